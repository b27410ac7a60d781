using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Vmdq.Rules;
using Vmdq.Rules.Model;
using RuleSet = Vmdq.Rules.Model.RuleSet;

namespace Vmdq.Generator;

/// <summary>
/// Turns each <c>*.vmdq</c> additional file that has no errors into a static partial dispatcher class.
/// Files with errors generate nothing: <see cref="Analyzers.RulesAnalyzer"/> reports why.
/// </summary>
/// <remarks>
/// Pipeline: rules files → text → compile (parse, resolve, check) → model; the dispatcher names of all
/// files are collected so that two files claiming one type both step back (VMDQ0014). Every step's
/// output is a value (records, <see cref="EquatableArray{T}"/>), so an edit elsewhere leaves a file's
/// steps cached.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class VmdqGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (for incremental-caching tests).</summary>
    public static class Steps
    {
        /// <summary>The rules files' path and text.</summary>
        public const string RulesText = "VmdqRulesText";
        /// <summary>Parse + check of one file.</summary>
        public const string Compile = "VmdqCompile";
        /// <summary>The resolved model of one file (null when it has errors).</summary>
        public const string Model = "VmdqModel";
        /// <summary>All files' dispatcher type names.</summary>
        public const string DispatcherNames = "VmdqDispatcherNames";
        /// <summary>The model paired with the names, what the emitter receives.</summary>
        public const string EmitInput = "VmdqEmitInput";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var texts = context.AdditionalTextsProvider
            .Where(RulesFiles.IsRulesFile)
            .Select((file, ct) => new RulesText(file.Path, file.GetText(ct) is { } text ? RulesFiles.TextOf(text) : null))
            .WithTrackingName(Steps.RulesText);

        var results = texts
            .Select((text, ct) => text.Text is null ? null : RulesCompiler.Compile(text.Path, text.Text))
            .WithTrackingName(Steps.Compile);

        var models = results
            .Select((result, ct) => result?.Model)
            .WithTrackingName(Steps.Model);

        var names = results
            .Select((result, ct) => result?.DispatcherTypeName)
            .Collect()
            .Select((all, ct) => all.Where(n => n is not null).Select(n => n!).OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(Steps.DispatcherNames);

        var emitInput = models
            .Combine(names)
            .WithTrackingName(Steps.EmitInput);

        context.RegisterSourceOutput(emitInput, static (spc, input) =>
        {
            var (model, allNames) = input;
            if (model is null || allNames.Count(n => n == model.FullTypeName) > 1)
            {
                return;
            }

            spc.AddSource(HintName(model), Emit(model, spc.CancellationToken));
        });
    }

    private static string HintName(RuleSet model) =>
        model.FullTypeName + "." + System.IO.Path.GetFileNameWithoutExtension(model.Path) + ".g.cs";

    /// <summary>A rules file's path and text (null when it could not be read).</summary>
    /// <param name="Path">The file path.</param>
    /// <param name="Text">The file's text.</param>
    internal sealed record RulesText(string Path, string? Text);
}
