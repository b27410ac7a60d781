using System;
using System.IO;
using System.Linq;
using System.Reflection;
using SharpFuzz;
using Vmdq.Toolkit.Fuzz;

// The afl++ entry point of one harness (the project's VmdqFuzzHarness metadata names it): SharpFuzz's out-of-process
// fork server, so a crash that kills the runtime (a stack overflow) is reported as a crash and the next input gets a
// fresh process. Outside afl-fuzz it runs the harness once on standard input: dotnet HARNESS.dll < input.
string name = Assembly.GetEntryAssembly()!.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "VmdqFuzzHarness").Value!;
Harness harness = Harnesses.All[name];
Fuzzer.OutOfProcess.Run(stream =>
{
    using var input = new MemoryStream();
    stream.CopyTo(input);
    harness(input.GetBuffer().AsSpan(0, (int)input.Length));
});
