using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Vmdq.Generator.Diagnostics;
using Vmdq.Rules;

namespace Vmdq.Generator.Analyzers;

/// <summary>
/// Reports every check of the rules language on each <c>*.vmdq</c> additional file, at the offending
/// token, and (at compilation end) rules files that would generate the same dispatcher type.
/// The same front end (<see cref="RulesCompiler"/>) feeds the generator, so what is reported is
/// exactly why a file generates nothing.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RulesAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var dispatchers = new ConcurrentBag<(string TypeName, string Path, SourceText Text, RulesResult Result)>();
            start.RegisterAdditionalFileAction(fileContext =>
            {
                var file = fileContext.AdditionalFile;
                if (!RulesFiles.IsRulesFile(file) || file.GetText(fileContext.CancellationToken) is not { } text)
                {
                    return;
                }

                var result = RulesFiles.Compile(file.Path, RulesFiles.TextOf(text));
                if (RulesFiles.GeneratorReports(result))
                {
                    return;
                }

                foreach (var diagnostic in result.Diagnostics)
                {
                    fileContext.ReportDiagnostic(RulesFiles.ToDiagnostic(diagnostic, file.Path, text));
                }

                if (result.IsDispatcherNameReadable)
                {
                    dispatchers.Add((result.DispatcherTypeName, file.Path, text, result));
                }
            });

            start.RegisterCompilationEndAction(end =>
            {
                foreach (var group in dispatchers.GroupBy(d => d.TypeName).Where(g => g.Count() > 1))
                {
                    var ordered = group.OrderBy(d => d.Path, System.StringComparer.Ordinal).ToList();
                    foreach (var (typeName, path, text, result) in ordered.Skip(1))
                    {
                        var span = result.DispatcherSpan ?? new Vmdq.Rules.Syntax.SourceSpan(0, 0, 1, 1);
                        end.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.DuplicateDispatcher,
                            RulesFiles.ToLocation(path, text, span),
                            Vmdq.Rules.Analysis.DispatcherCollisions.Message(typeName, ordered[0].Path)));
                    }
                }
            });
        });
    }
}
