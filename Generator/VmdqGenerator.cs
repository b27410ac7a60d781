using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Vmdq.Rules;
using Vmdq.Rules.Diagnostics;
using Vmdq.Rules.Model;
using RuleSet = Vmdq.Rules.Model.RuleSet;

namespace Vmdq.Generator;

/// <summary>
/// Turns each <c>*.vmdq</c> additional file into a static partial dispatcher class. A file with errors gets
/// the dispatcher's public shape only (members that throw), so that code using it still compiles and the
/// compiler runs <see cref="Analyzers.RulesAnalyzer"/>, which reports the errors (they cannot be configured
/// away, so a shape never ships). Only when the <c>dispatcher</c> line cannot be read does the generator
/// report an error itself (VMDQ0020).
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
        /// <summary>The lowered dispatcher of one file (<see cref="Vmdq.Generator.Plan.DispatchPlan"/>; null when it has errors).</summary>
        public const string Plan = "VmdqPlan";
        /// <summary>All files' dispatcher type names.</summary>
        public const string DispatcherNames = "VmdqDispatcherNames";
        /// <summary>The plan paired with the names, what the emitter receives.</summary>
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
            .Select((text, ct) => text.Text is null ? null : RulesFiles.Compile(text.Path, text.Text))
            .WithTrackingName(Steps.Compile);

        var models = results
            .Select((result, ct) => result is null ? null : EmitPlan.For(result))
            .WithTrackingName(Steps.Model);

        // Lowering is its own cached step: the plan is a value, so it and the printed source stay cached
        // while the model is equal.
        var plans = models
            .Select((model, ct) => model is null ? null : PlannedFile.For(model, ct))
            .WithTrackingName(Steps.Plan);

        var names = results
            .Select((result, ct) => result is { IsDispatcherNameReadable: true } ? new DispatcherClaim(result.DispatcherTypeName, result.Path) : null)
            .Collect()
            .Select((all, ct) => all.Where(n => n is not null).Select(n => n!)
                .OrderBy(n => n.TypeName, System.StringComparer.Ordinal).ThenBy(n => n.Path, System.StringComparer.Ordinal)
                .ToEquatableArray())
            .WithTrackingName(Steps.DispatcherNames);

        var emitInput = plans
            .Combine(names)
            .WithTrackingName(Steps.EmitInput);

        context.RegisterSourceOutput(emitInput, static (spc, input) =>
        {
            var (plan, claims) = input;
            if (plan is null)
            {
                return;
            }

            // A file whose dispatcher line cannot be read (VMDQ0020): its diagnostics are the generator's to
            // report, all of them, because the compiler skips analyzers once there is an error this early (the
            // user's CS0246, or VMDQ0020 itself). Every other file's are the analyzer's, once; the shape
            // emitted below keeps the user's code compiling so that the compiler runs the analyzer.
            foreach (var diagnostic in plan.GeneratorDiagnostics)
            {
                spc.ReportDiagnostic(Diagnostic.Create(
                    Diagnostics.DiagnosticDescriptors.ById(diagnostic.Id), RulesFiles.ToLocation(plan.Path, diagnostic.Span), diagnostic.Message));
            }

            if (plan.Shape is not { } shape)
            {
                return;
            }

            // Two files that claim one type (VMDQ0014, reported by the analyzer): the first by path emits the
            // shape only, so code that uses the type compiles and the error is shown; the others emit nothing.
            var claimants = claims.Where(c => c.TypeName == shape.FullTypeName).ToList();
            if (claimants.Count > 1)
            {
                if (claimants[0].Path == plan.Path)
                {
                    spc.AddSource(HintName(shape), EmitShape(shape, spc.CancellationToken));
                }

                return;
            }

            spc.AddSource(HintName(shape), plan.LoweringFailure ?? (plan.Dispatch is { } dispatch ? Emit(dispatch, spc.CancellationToken) : EmitShape(shape, spc.CancellationToken)));
        });
    }

    private static string HintName(DispatcherShape shape) =>
        shape.FullTypeName + "." + System.IO.Path.GetFileNameWithoutExtension(shape.Path) + ".g.cs";

    /// <summary>A rules file's claim on a dispatcher type name.</summary>
    /// <param name="TypeName">The namespace-qualified type.</param>
    /// <param name="Path">The rules file.</param>
    internal sealed record DispatcherClaim(string TypeName, string Path);

    /// <summary>
    /// What the emitter does for one rules file: the full dispatcher (<see cref="Model"/>, no errors), only its
    /// public shape (<see cref="Shape"/> without a model: the file has errors), or nothing but the generator's
    /// own diagnostics (no shape: the dispatcher's name cannot be read).
    /// </summary>
    /// <param name="Path">The rules file.</param>
    /// <param name="Model">The resolved rules, when the file has no errors.</param>
    /// <param name="Shape">The dispatcher's name and constants, when its name can be read.</param>
    /// <param name="GeneratorDiagnostics">Diagnostics the generator reports itself: all of a file whose dispatcher line cannot be read.</param>
    internal sealed record EmitPlan(string Path, RuleSet? Model, DispatcherShape? Shape, EquatableArray<RuleDiagnostic> GeneratorDiagnostics)
    {
        /// <summary>The plan for a compiled rules file.</summary>
        public static EmitPlan For(RulesResult result) => new(
            result.Path,
            result.Model,
            result.IsDispatcherNameReadable ? result.Shape : null,
            result.IsDispatcherNameReadable ? EquatableArray<RuleDiagnostic>.Empty : result.DiagnosticArray);
    }

    /// <summary>
    /// An <see cref="EmitPlan"/> lowered: the dispatcher's <see cref="Plan.DispatchPlan"/> in place of its model.
    /// </summary>
    /// <param name="Path">The rules file.</param>
    /// <param name="Dispatch">The lowered dispatcher, when the file has no errors.</param>
    /// <param name="Shape">The dispatcher's name and constants, when its name can be read.</param>
    /// <param name="GeneratorDiagnostics">Diagnostics the generator reports itself.</param>
    /// <param name="LoweringFailure">A generated file that stops the build with a bug's description, when lowering threw.</param>
    internal sealed record PlannedFile(string Path, Plan.DispatchPlan? Dispatch, DispatcherShape? Shape, EquatableArray<RuleDiagnostic> GeneratorDiagnostics, string? LoweringFailure)
    {
        /// <summary>Lowers <paramref name="emit"/>'s model. Never throws but for cancellation: a bug becomes a <c>#error</c> file.</summary>
        public static PlannedFile For(EmitPlan emit, System.Threading.CancellationToken cancellationToken)
        {
            Plan.DispatchPlan? dispatch = null;
            string? failure = null;
            if (emit.Model is { } model)
            {
                try
                {
                    dispatch = Plan.DispatchPlanner.Lower(model, cancellationToken);
                }
                catch (System.OperationCanceledException)
                {
                    throw;
                }
                catch (System.Exception ex)
                {
                    failure = Failure(System.IO.Path.GetFileName(emit.Path), ex);
                }
            }

            return new PlannedFile(emit.Path, dispatch, emit.Shape, emit.GeneratorDiagnostics, failure);
        }
    }

    /// <summary>A rules file's path and text (null when it could not be read).</summary>
    /// <param name="Path">The file path.</param>
    /// <param name="Text">The file's text.</param>
    internal sealed record RulesText(string Path, string? Text);
}
