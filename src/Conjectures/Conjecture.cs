using System.Collections.Concurrent;
using System.Reflection;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Commands;
using FsCheck;
using FsCheck.Fluent;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Protocols;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Conjectures;

/// <summary>
/// A conjecture about small trained problems, in a few lines: the cases it ranges over (an FsCheck
/// arbitrary of <see cref="SmallProblem"/> that shrinks toward smaller d, widths, multi and N), the
/// training precondition, and the conclusion over the analysis record (<see cref="PairEvidence"/>, or
/// <see cref="DeepPairEvidence"/> for every layer of a deep case).
/// Each case is built, seeded from its case seed by named streams, trained, measured and disposed;
/// a case whose training did not reach the precondition is discarded (inconclusive, never a
/// counterexample: FsCheck reports it among the "discarded"); each case is labelled with its
/// verdict and replay, and counted by activation and data kind.
/// </summary>
public static class Conjecture
{
    /// <summary>The cases a conjecture ranges over, trained by full-batch gradient descent until <see cref="ConjectureCases.TrainedUntilGradient"/> says (default <see cref="Rules.SmallProblemGradientTarget"/>).</summary>
    public static ConjectureCases About(Arbitrary<SmallProblem> cases) => new(cases, Budget(Rules.SmallProblemGradientTarget, 100));

    /// <summary>
    /// The cases of <paramref name="family"/> at <paramref name="leak"/> (0: ReLU), trained as the theorem checks train that
    /// family (<see cref="TheoremCheckSettings"/>): two-layer families by gradient descent (mini-batch SGD for
    /// <see cref="CaseFamily.Sgd"/>) finished by Levenberg-Marquardt to <see cref="Rules.FinishedGradient"/>; the deep ones
    /// (<see cref="CaseFamily.ThreeLayer"/>, <see cref="CaseFamily.FourLayer"/>) until every layer's per-sample signal is at
    /// most <see cref="Rules.DeepGradient"/>.
    /// </summary>
    public static ConjectureCases About(CaseFamily family, double leak)
    {
        var settings = new TheoremCheckSettings();
        var cases = ClaimGen.Problems(family, leak);
        return family.HiddenLayers > 1
            ? new ConjectureCases(cases, settings.DeepBudget, settings.DeepFinish)
            : new ConjectureCases(cases, settings.TwoLayerBudget, settings.TwoLayerFinish);
    }

    /// <summary>Every counterexample found since the last <see cref="ConcurrentQueue{T}.Clear"/>, in the order FsCheck tried them (the last is the shrunk one).</summary>
    public static ConcurrentQueue<SmallProblem> Counterexamples { get; } = new();

    /// <summary>Full-batch gradient descent, lr 0.1, <paramref name="epochs"/> epochs of 250 steps, stopping at <paramref name="target"/>.</summary>
    internal static SgdOptions Budget(double target, int epochs) =>
        new() { LearningRate = 0.1, BatchSize = null, Epochs = epochs, ItersPerEpoch = 250, GradientTarget = target };
}

/// <summary>
/// The cases of a conjecture and the training that must reach its precondition: <paramref name="Training"/>, then, where
/// <paramref name="Finish"/> is set (and always for a mini-batch case), the Levenberg-Marquardt finisher.
/// </summary>
public sealed record ConjectureCases(Arbitrary<SmallProblem> Cases, SgdOptions Training, FinishOptions? Finish = null)
{
    /// <summary>Precondition: gradient descent (lr 0.1; a finish, where there is one, to the same level) reaches max_x ||g_1(x)|| &lt;= <paramref name="target"/> within <paramref name="epochs"/> x 250 steps.</summary>
    public ConjectureCases TrainedUntilGradient(double target, int epochs = 100) =>
        this with { Training = Training with { GradientTarget = target, Epochs = epochs }, Finish = Finish is null ? null : Finish with { GradientTarget = target } };

    /// <summary>The level every layer's per-sample signal must reach on a deep case: the finish's target, else the training's.</summary>
    double Level => Finish?.GradientTarget ?? Training.GradientTarget ?? Rules.SmallProblemGradientTarget;

    /// <summary>The property: on every case that reaches the precondition, <paramref name="holds"/> is true of its lowest layer.</summary>
    public Property Claims(string conclusion, Func<PairEvidence, bool> holds) => Check(conclusion, trained =>
    {
        if (trained.Problem.Depth > 1) return Deep(trained, e => holds(e.Lowest));
        var evidence = trained.Evidence();
        return (evidence.ReachedGradientTarget, evidence.ReachedGradientTarget && holds(evidence), evidence.TrainingText);
    });

    /// <summary>
    /// The property over every layer of a case of any depth: on every case whose per-sample signal at every layer, the
    /// output residual included, reaches the level (and whose lowest layer reached its precondition),
    /// <paramref name="holds"/> is true.
    /// </summary>
    public Property ClaimsAtEveryLayer(string conclusion, Func<DeepPairEvidence, bool> holds) => Check(conclusion, trained => Deep(trained, holds));

    (bool Reached, bool Holds, string Training) Deep(TrainedProblem trained, Func<DeepPairEvidence, bool> holds)
    {
        var evidence = trained.DeepEvidence();
        var reached = evidence.Lowest.ReachedGradientTarget && evidence.MaxGradientEveryLayer <= Level;
        return (reached, reached && holds(evidence), FormattableString.Invariant($"{evidence.Lowest.TrainingText}; every layer {evidence.MaxGradientEveryLayer:G3}"));
    }

    Property Check(string conclusion, Func<TrainedProblem, (bool Reached, bool Holds, string Training)> judge) =>
        Prop.ForAll(Cases, problem =>
        {
            using var scope = NewDisposeScope();
            using var trained = problem.Train(Training, finish: Finish);
            var (reached, ok, training) = judge(trained);
            if (reached && !ok) Conjecture.Counterexamples.Enqueue(problem);
            return ok.Label($"{(ok ? "holds" : "fails")}: {conclusion}, on {problem}; training {training}; replay: {RunSeed.Replay}")
                .Collect($"{problem.Activation}, {problem.Data} data{(problem.Batch is { } b ? $", SGD batch {b}" : "")}, {problem.Depth + 1} layers")
                .When(reached);
        });
}

/// <summary>
/// FsCheck's property attribute, seeded from the run seed (<see cref="RunSeed"/>): every run draws
/// fresh cases, and VERIFY_SEED replays a run exactly. With <see cref="Refuted"/> the conjecture is
/// false on purpose and the test passes only when FsCheck refutes it: a counterexample that reached
/// the precondition, reported "Falsifiable" with its shrinks, never larger than the first one found.
/// </summary>
public sealed class ConjectureAttribute : FsCheck.NUnit.PropertyAttribute, IWrapTestMethod
{
    static readonly MethodInfo BaseWrap = typeof(FsCheck.NUnit.PropertyAttribute).GetInterfaceMap(typeof(ICommandWrapper)).TargetMethods[0];

    public ConjectureAttribute() => Replay = $"({RunSeed.Value},1)";

    /// <summary>The conjecture is expected to be false: FsCheck must find a counterexample.</summary>
    public bool Refuted { get; set; }

    TestCommand ICommandWrapper.Wrap(TestCommand command)
    {
        var inner = (TestCommand)BaseWrap.Invoke(this, [command])!;
        return Refuted ? new RefutedCommand(inner) : inner;
    }

    sealed class RefutedCommand(TestCommand inner) : DelegatingTestCommand(inner)
    {
        public override NUnit.Framework.Internal.TestResult Execute(TestExecutionContext context)
        {
            Conjecture.Counterexamples.Clear();
            string message;
            try
            {
                var result = innerCommand.Execute(context);
                message = result.ResultState.Status == TestStatus.Failed ? result.Message : "";
            }
            catch (Exception e) { message = e.Message; }
            var found = Conjecture.Counterexamples.ToArray();
            context.CurrentResult = context.CurrentTest.MakeTestResult();
            if (!message.Contains("Falsifiable", StringComparison.Ordinal) || found.Length == 0)
            {
                context.CurrentResult.SetResult(ResultState.Failure, $"expected FsCheck to refute the conjecture; it found no counterexample that reached the precondition ({RunSeed.Replay}). {message}");
                return context.CurrentResult;
            }
            static int Size(SmallProblem p) => p.D + p.Widths.Sum() + p.Multi + p.Samples;
            var grew = Size(found[^1]) > Size(found[0]);
            context.CurrentResult.SetResult(grew ? ResultState.Failure : ResultState.Success,
                $"refuted as expected: first counterexample {found[0]}, shrunk to {found[^1]} ({found.Length - 1} shrink steps that still failed){(grew ? "; shrinking grew the case" : "")}");
            context.CurrentResult.OutWriter.WriteLine(context.CurrentResult.Message);
            context.CurrentResult.OutWriter.WriteLine(message);
            return context.CurrentResult;
        }
    }
}
