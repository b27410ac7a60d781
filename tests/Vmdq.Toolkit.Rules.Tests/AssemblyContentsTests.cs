using System;
using System.Linq;
using Vmdq.Rules;

namespace Vmdq.Toolkit.Rules.Tests;

/// <summary>What the rules assembly, which ships under the package's analyzers/ folder, carries.</summary>
public class AssemblyContentsTests
{
    [Fact]
    public void TheReferenceInterpreterIsNotInTheShippedRulesAssembly()
    {
        var types = typeof(RulesCompiler).Assembly.GetTypes();
        Assert.Contains(types, t => t.Namespace == "Vmdq.Rules.Model");
        Assert.DoesNotContain(types, t => t.Namespace is not null && t.Namespace.StartsWith("Vmdq.Rules.Reference", StringComparison.Ordinal));
        Assert.DoesNotContain(types, t => t.Name.StartsWith("Reference", StringComparison.Ordinal));
    }
}
