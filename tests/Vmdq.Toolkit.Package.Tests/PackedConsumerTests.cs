using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Vmdq.Toolkit.Package.Tests;

/// <summary>
/// Packs Vmdq.Toolkit to a temporary feed, then creates a brand-new console project that only adds a
/// PackageReference and a .vmdq file next to its csproj, and builds it, as a new user would.
/// </summary>
[Collection(ReleaseBuilds.Name)]
public sealed class PackedConsumerTests : IClassFixture<PackedConsumerTests.Feed>
{
    private readonly Feed _feed;

    public PackedConsumerTests(Feed feed) => _feed = feed;

    /// <summary>Packs once for the class.</summary>
    public sealed class Feed : IDisposable
    {
        public Feed()
        {
            string root = Metadata("RepositoryRoot");
            Directory = DotNet.TempDirectory("feed");
            var (code, output) = DotNet.Run(root, "pack", Path.Combine(root, "Runtime", "Vmdq.Toolkit.csproj"), "-c", "Release", "-o", Directory);
            Assert.True(code == 0, "dotnet pack failed:\n" + output);
            Package = System.IO.Directory.GetFiles(Directory, "Vmdq.Toolkit.*.nupkg").Single();
            Version = Path.GetFileNameWithoutExtension(Package)["Vmdq.Toolkit.".Length..];
        }

        public static string Metadata(string key) =>
            typeof(Feed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

        public string Directory { get; }

        public string Package { get; }

        public string Version { get; }

        public void Dispose()
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string CreateConsumer(string rulesFileName, string rules, string program, string extraProjectXml = "")
    {
        string dir = DotNet.TempDirectory("consumer");
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{_feed.Directory}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{Path.Combine(dir, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Vmdq.Toolkit" Version="{_feed.Version}" />
              </ItemGroup>
              {extraProjectXml}
            </Project>
            """);
        File.WriteAllText(Path.Combine(dir, rulesFileName), rules);
        File.WriteAllText(Path.Combine(dir, "Program.cs"), program);
        return dir;
    }

    [Fact]
    public void PackageHoldsTheAnalyzersTheRuntimeAndTheBuildFiles()
    {
        using var zip = ZipFile.OpenRead(_feed.Package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("analyzers/dotnet/cs/Vmdq.Toolkit.Generator.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Vmdq.Toolkit.Rules.dll", entries);
        Assert.Contains("lib/net10.0/Vmdq.Toolkit.dll", entries);
        Assert.Contains("lib/net10.0/Vmdq.Toolkit.xml", entries);
        // The rules front end in lib/ as well: RuntimeDispatcher loads rules with it at run time.
        Assert.Contains("lib/net10.0/Vmdq.Toolkit.Rules.dll", entries);
        Assert.Contains("build/Vmdq.Toolkit.props", entries);
        Assert.Contains("build/Vmdq.Toolkit.targets", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));
        // The analyzers folder carries what runs in the compiler and nothing else (not the reference interpreter).
        Assert.Equal(
            ["analyzers/dotnet/cs/Vmdq.Toolkit.Generator.dll", "analyzers/dotnet/cs/Vmdq.Toolkit.Rules.dll"],
            entries.Where(e => e.StartsWith("analyzers/", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("Reference", StringComparison.Ordinal));
    }

    [Fact]
    public void VersionComesFromTheCommitNotAFixedNumber()
    {
        // 0.1.0-dev.<commit count>.g<short sha> (eng/Vmdq.Version.targets), or 0.1.0-dev without git.
        Assert.Matches(@"^\d+\.\d+\.\d+-dev(\.[1-9]\d*\.g[0-9a-f]{8})?$", _feed.Version);
        var (code, sha) = DotNet.RunProcess("git", Feed.Metadata("RepositoryRoot"), "rev-parse", "--short=8", "HEAD");
        if (code == 0)
        {
            Assert.EndsWith(".g" + sha.Trim(), _feed.Version, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NuspecCarriesTheRepositoryAndTheReadmeLinksResolve()
    {
        string repositoryUrl = Feed.Metadata("RepositoryUrl");
        string root = Feed.Metadata("RepositoryRoot");
        using var zip = ZipFile.OpenRead(_feed.Package);
        XNamespace ns = "http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd";
        XDocument nuspec;
        using (var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open())
        {
            nuspec = XDocument.Load(stream);
        }

        var metadata = nuspec.Root!.Element(ns + "metadata")!;
        Assert.Equal(repositoryUrl, metadata.Element(ns + "repository")!.Attribute("url")!.Value);
        Assert.Equal(repositoryUrl, metadata.Element(ns + "projectUrl")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);

        string readme;
        using (var reader = new StreamReader(zip.GetEntry("README.md")!.Open()))
        {
            readme = reader.ReadToEnd();
        }

        // Away from the repository a relative link resolves to nothing: every link is absolute or an
        // anchor, and each link into the repository names a file that exists in it.
        string docs = repositoryUrl + "/blob/main/";
        var links = Regex.Matches(readme, @"\]\(([^)\s]+)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(links, l => l.StartsWith(docs, StringComparison.Ordinal));
        foreach (string link in links)
        {
            Assert.True(link.StartsWith("https://", StringComparison.Ordinal) || link.StartsWith('#'), $"The package README links to '{link}', which does not resolve outside the repository.");
            if (link.StartsWith(docs, StringComparison.Ordinal))
            {
                string file = link[docs.Length..].Split('#')[0];
                Assert.True(File.Exists(Path.Combine(root, file)), $"The package README links to {link}, but the repository has no {file}.");
            }
        }
    }

    [Fact]
    public void BadRulesFileFailsTheBuildWithLocatedDiagnostics()
    {
        string dir = CreateConsumer("tenants.vmdq", """
            pool web 1
            mac 00:1b:21:0a:0b:01 -> web
            vlan 250 -> dbb
            vlan 5000 -> web
            """, "System.Console.WriteLine(\"unused\");\n");
        var (code, output) = DotNet.Run(dir, "build");
        Assert.NotEqual(0, code);
        Assert.Contains("tenants.vmdq(3,13): error VMDQ0003: Pool 'dbb' is not declared", output);
        Assert.Contains("tenants.vmdq(4,6): error VMDQ0002:", output);
        Assert.DoesNotContain("CS8785", output);
        Assert.DoesNotContain("CS9057", output);
        Assert.DoesNotContain("CS8032", output);
    }

    [Fact]
    public void GoodRulesFileGeneratesADispatcherTheProgramCalls()
    {
        string dir = CreateConsumer("edge-rules.vmdq", """
            nic pools 4 queues 2
            pool web 1
            pool db 2 queues 1-1
            mac 00:1b:21:0a:0b:01 -> web
            vlan 250 -> db
            broadcast -> web, db
            """, """
            byte[] frame = new byte[64];
            new byte[] { 0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x01 }.CopyTo(frame, 0);
            Verdict v = Vmdq.Generated.EdgeRulesDispatcher.Classify(frame);
            Console.WriteLine($"mac: pool={v.Pool} queue={v.Queue} line={v.RuleLine}");
            byte[] tagged = new byte[64];
            tagged[0] = 0x02; tagged[12] = 0x81; tagged[13] = 0x00; tagged[14] = 0x00; tagged[15] = 250; tagged[16] = 0x08;
            v = Vmdq.Generated.EdgeRulesDispatcher.Classify(tagged);
            Console.WriteLine($"vlan: pool={v.Pool} queue={v.Queue} line={v.RuleLine}");
            v = Vmdq.Generated.EdgeRulesDispatcher.Classify(Enumerable.Repeat((byte)0xFF, 60).ToArray());
            Console.WriteLine($"broadcast: replicas={string.Join(",", Vmdq.Generated.EdgeRulesDispatcher.Replicas(v).ToArray())}");
            """);
        var (code, output) = DotNet.Run(dir, "run");
        Assert.True(code == 0, output);
        Assert.Contains("mac: pool=1 queue=0 line=4", output);
        Assert.Contains("vlan: pool=2 queue=1 line=5", output);
        Assert.Contains("broadcast: replicas=1,2", output);
        Assert.DoesNotContain("warning", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AConsumerWithNoRulesFileLoadsAndChangesRulesAtRunTime()
    {
        // No .vmdq file at all: the package alone (its lib/ carries the rules front end) loads rules from text,
        // reports a refused change with the build's diagnostic, and classifies by an applied one.
        string dir = CreateConsumer("notes.txt", "no rules file here\n", """
            using Vmdq.Toolkit;
            var load = RuntimeDispatcher.Load("nic pools 4 queues 2\npool web 1\npool db 2\nvlan 250 -> db\n", "host.vmdq");
            var rules = load.Dispatcher!;
            var refused = rules.Apply("vlan 250 -> web");
            Console.WriteLine($"refused: {refused.Diagnostics[0].Id} at line {refused.Diagnostics[0].Span.Line}");
            var added = rules.Apply("mac 00:1b:21:0a:0b:01 -> web:1");
            byte[] frame = new byte[64];
            new byte[] { 0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x01 }.CopyTo(frame, 0);
            Verdict v = rules.Classify(frame);
            Console.WriteLine($"runtime: pool={v.Pool} queue={v.Queue} line={v.RuleLine} version={rules.Version} handle={added.Added[0].Line}");
            """);
        var (code, output) = DotNet.Run(dir, "run");
        Assert.True(code == 0, output);
        Assert.Contains("refused: VMDQ0004 at line 5", output);
        Assert.Contains("runtime: pool=1 queue=1 line=5 version=2 handle=5", output);
    }

    [Fact]
    public void DefaultRulesCanBeTurnedOffAndOthersAddedByVmdqRulesItems()
    {
        // The project folder's own (broken) rules file is ignored; a file outside it is added explicitly.
        string outside = DotNet.TempDirectory("shared-rules");
        File.WriteAllText(Path.Combine(outside, "edge.vmdq"), "dispatcher Edge.EdgeDispatcher\npool web 1\nvlan 7 -> web\n");
        string dir = CreateConsumer("ignored.vmdq", "this is not a rules file\n", """
            byte[] tagged = new byte[64];
            tagged[0] = 0x02; tagged[12] = 0x81; tagged[13] = 0x00; tagged[15] = 7; tagged[16] = 0x08;
            Console.WriteLine($"edge: pool={Edge.EdgeDispatcher.Classify(tagged).Pool}");
            """, $"""
            <PropertyGroup><EnableDefaultVmdqRules>false</EnableDefaultVmdqRules></PropertyGroup>
            <ItemGroup><VmdqRules Include="{Path.Combine(outside, "edge.vmdq")}" /></ItemGroup>
            """);
        var (code, output) = DotNet.Run(dir, "run");
        Assert.True(code == 0, output);
        Assert.Contains("edge: pool=1", output);
        Assert.DoesNotContain("VMDQ0001", output);
    }

    [Fact]
    public void SeveritiesChangeWithGlobalConfigAndNoWarn()
    {
        // Pool 'web' is unreachable (VMDQ0011, a warning by default).
        const string Rules = "pool web 1\npool db 2\nvlan 250 -> db\n";
        string dir = CreateConsumer("tenants.vmdq", Rules, "System.Console.WriteLine();\n");
        var (code, output) = DotNet.Run(dir, "build");
        Assert.True(code == 0, output);
        Assert.Contains("tenants.vmdq(1,6): warning VMDQ0011", output);

        // Roslyn does not apply .editorconfig sections to additional files; a global config works.
        File.WriteAllText(Path.Combine(dir, ".globalconfig"), "is_global = true\ndotnet_diagnostic.VMDQ0011.severity = error\n");
        (code, output) = DotNet.Run(dir, "build");
        Assert.NotEqual(0, code);
        Assert.Contains("tenants.vmdq(1,6): error VMDQ0011", output);

        File.Delete(Path.Combine(dir, ".globalconfig"));
        (code, output) = DotNet.Run(dir, "build", "-p:NoWarn=VMDQ0011");
        Assert.True(code == 0, output);
        Assert.DoesNotContain("VMDQ0011", output);
    }

    [Fact]
    public void PackagedDispatcherAgreesWithTheReferenceInterpreter()
    {
        // The spec's example, compiled by the packed generator in a fresh project, classifies random,
        // truncated frames exactly as the reference interpreter does.
        const string Rules = """
            dispatcher Contoso.Fabric.TenantDispatcher
            nic pools 64 queues 4 ring 1024
            tenant blue vlan 100-199 vni 5000-5999 vsid 70000-70999
            tenant red  vlan 200-299 vni 6000-6999 vsid 80000-80999
            pool web      1  tenant blue
            pool storage  2  tenant blue  priority 5  bandwidth 40%
            pool db       3  tenant red   queues 2-3
            mac   00:1b:21:0a:0b:01                      -> web
            mac   00:1b:21:0a:0b:02  vlan 150            -> storage
            vlan  250                                    -> db
            vxlan 5001                                   -> web
            vxlan 5001  inner 52:54:00:12:34:56          -> web:2
            nvgre 70001                                  -> storage
            nvgre 70001 inner 52:54:00:12:34:57          -> storage:1
            mac   00:1b:21:0a:0b:66                      -> drop
            broadcast                                    -> web, storage
            """;
        var frames = new System.Collections.Generic.List<byte[]>();
        var random = new Random(7);
        for (int seed = 0; seed < 1500; seed++)
        {
            var frame = Vmdq.Toolkit.Generator.Tests.Infrastructure.RandomRules.BuildFrame(seed);
            frames.Add(frame);
            frames.Add(frame.AsSpan(0, random.Next(frame.Length + 1)).ToArray());
        }

        string dir = CreateConsumer("tenants.vmdq", Rules, """
            foreach (var line in File.ReadLines(args[0]))
            {
                var v = Contoso.Fabric.TenantDispatcher.Classify(Convert.FromHexString(line));
                Console.WriteLine($"{v.Pool} {v.Queue} {v.IsDrop} {v.RuleLine} {(int)v.Kind} {string.Join(",", Contoso.Fabric.TenantDispatcher.Replicas(v).ToArray())}");
            }
            """);
        string input = Path.Combine(dir, "frames.txt");
        File.WriteAllLines(input, frames.Select(f => Convert.ToHexString(f)));
        var (code, output) = DotNet.Run(dir, "run", "--", input);
        Assert.True(code == 0, output);

        var reference = new Vmdq.Rules.Reference.ReferenceClassifier(Vmdq.Rules.RulesCompiler.Compile("tenants.vmdq", Rules).Model!);
        var expected = frames.Select(f => reference.Classify(f))
            .Select(v => $"{v.Pool} {v.Queue} {v.IsDrop} {v.RuleLine} {(int)v.Kind} {string.Join(",", v.Replicas)}".Trim()).ToArray();
        var actual = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.Length > 0 && char.IsAsciiDigit(l[0]) || l.StartsWith('-')).ToArray();
        Assert.Equal(expected, actual);
        Assert.Contains(expected, e => e.Contains(" 1 ", StringComparison.Ordinal));
    }

    private const string ProgramUsingTheDispatcher = """
        using Contoso.Fabric;

        byte[] frame = new byte[64];
        Verdict v = TenantDispatcher.Classify(frame);
        FrameFields fields = TenantDispatcher.Parse(frame);
        var verdicts = new Verdict[1];
        TenantDispatcher.ClassifyBatch(new[] { frame }, verdicts);
        TenantDispatcher.ClassifyBatch(frame, new[] { new FrameSlice(0, frame.Length) }, verdicts);
        foreach (int pool in TenantDispatcher.Replicas(v)) { Console.WriteLine(pool); }
        Console.WriteLine($"{TenantDispatcher.Info.Name} {TenantDispatcher.PoolCount} {TenantDispatcher.RuleCount} {fields.Dst} {verdicts[0].Pool}");
        """;

    /// <summary>The distinct <c>file(line,col): severity ID: message</c> lines of a build's output (MSBuild repeats errors in its summary).</summary>
    private static string[] DiagnosticLines(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries)
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"(?<file>[^/\\\s]+\(\d+,\d+\)): (?<what>(error|warning) [A-Z]+\d+: .*?)( \[[^\]]*\.csproj\])?$"))
            .Where(m => m.Success)
            // The SDK appends the help link: " (https://...#vmdq0003)".
            .Select(m => m.Groups["file"].Value + ": " + System.Text.RegularExpressions.Regex.Replace(m.Groups["what"].Value, @" \(https?://[^ ]*\)$", string.Empty))
            .Distinct()
            .OrderBy(l => l, StringComparer.Ordinal)
            .ToArray();

    private static void AssertLines(string[] expected, string[] actual) =>
        Assert.True(expected.SequenceEqual(actual), "expected:\n" + string.Join("\n", expected) + "\nactual:\n" + string.Join("\n", actual));

    /// <summary>What the rules front end says of <paramref name="rules"/>, as MSBuild prints it (info is not printed).</summary>
    private static string[] ExpectedLines(string file, string rules) =>
        Vmdq.Rules.RulesCompiler.Compile(file, rules).Diagnostics
            .Where(d => d.Severity != Vmdq.Rules.Diagnostics.RuleSeverity.Info)
            .Select(d => $"{file}({d.Span.Line},{d.Span.Column}): {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.Message}")
            .OrderBy(l => l, StringComparer.Ordinal)
            .ToArray();

    [Fact]
    public void BrokenRulesFileUsedByTheProgramShowsExactlyItsVmdqDiagnostics()
    {
        const string Rules = """
            dispatcher Contoso.Fabric.TenantDispatcher
            pool web 1
            pool db 2
            mac 00:1b:21:0a:0b:01 -> web
            vlan 250 -> dbb
            vlan 5000 -> web
            vlan 0 -> db
            """;
        string dir = CreateConsumer("tenants.vmdq", Rules, ProgramUsingTheDispatcher);
        string sarif = Path.Combine(dir, "build.sarif");
        var (code, output) = DotNet.Run(dir, "build", "-p:ErrorLog=" + sarif);
        Assert.NotEqual(0, code);
        AssertLines(ExpectedLines("tenants.vmdq", Rules), DiagnosticLines(output));
        Assert.Equal(
            new[] { "tenants.vmdq(5,13): error VMDQ0003", "tenants.vmdq(6,6): error VMDQ0002", "tenants.vmdq(7,6): warning VMDQ0009" },
            DiagnosticLines(output).Select(l => System.Text.RegularExpressions.Regex.Replace(l, @"^(.*?\): \w+ \w+): .*$", "$1")).ToArray());

        // Reported once each (the console repeats errors in its summary; the error log does not).
        string log = File.ReadAllText(sarif);
        foreach (string id in new[] { "VMDQ0003", "VMDQ0002", "VMDQ0009" })
        {
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(log, "\"ruleId\":\\s*\"" + id + "\""));
        }

        Assert.DoesNotMatch("\"ruleId\":\\s*\"CS", log);
    }

    [Fact]
    public void ErrorsCannotBeLoweredSoTheDispatchersShapeNeverShips()
    {
        string dir = CreateConsumer("tenants.vmdq", "dispatcher Contoso.Fabric.TenantDispatcher\npool web 1\nvlan 250 -> dbb\nvlan 7 -> web\n", ProgramUsingTheDispatcher);
        File.WriteAllText(Path.Combine(dir, ".globalconfig"), "is_global = true\ndotnet_diagnostic.VMDQ0003.severity = none\n");
        var (code, output) = DotNet.Run(dir, "build", "-p:NoWarn=VMDQ0003");
        Assert.NotEqual(0, code);
        AssertLines(ExpectedLines("tenants.vmdq", "dispatcher Contoso.Fabric.TenantDispatcher\npool web 1\nvlan 250 -> dbb\nvlan 7 -> web\n"), DiagnosticLines(output));
        Assert.Single(DiagnosticLines(output));
    }

    [Fact]
    public void AnUnreadableDispatcherLineIsShownByTheGeneratorBesideTheUnavoidableCS0246()
    {
        string dir = CreateConsumer("tenants.vmdq", "dispatcher Contoso.Fabric.1TenantDispatcher\npool web 1\nvlan 7 -> web\nvlan 5000 -> web\n", ProgramUsingTheDispatcher);
        var (code, output) = DotNet.Run(dir, "build");
        Assert.NotEqual(0, code);
        var lines = DiagnosticLines(output);
        Assert.Contains(lines, l => l.StartsWith("tenants.vmdq(1,12): error VMDQ0020: The dispatcher's name cannot be read: 'Contoso.Fabric.1TenantDispatcher' is not a valid C# type name", StringComparison.Ordinal));
        // CS0246 makes the compiler skip analyzers, so the generator reports the file's other diagnostics too.
        AssertLines(ExpectedLines("tenants.vmdq", "dispatcher Contoso.Fabric.1TenantDispatcher\npool web 1\nvlan 7 -> web\nvlan 5000 -> web\n"),
            lines.Where(l => l.StartsWith("tenants.vmdq", StringComparison.Ordinal)).ToArray());
        Assert.Equal(2, lines.Count(l => l.StartsWith("tenants.vmdq", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => !l.StartsWith("tenants.vmdq", StringComparison.Ordinal)), l => Assert.Contains("error CS0246", l, StringComparison.Ordinal));
    }
}
