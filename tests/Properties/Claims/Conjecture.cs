using System.Collections.Concurrent;
using System.Reflection;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using NUnit.Framework.Internal.Commands;
using FsCheck;
using FsCheck.Fluent;
using Verify.Model.Evidence;
using Verify.Model.Protocols;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// A conjecture about small trained problems, in a few lines: the cases it ranges over (an FsCheck
/// arbitrary of <see cref="SmallProblem"/> that shrinks toward smaller d, widths, multi and N), the
/// training precondition, and the conclusion over the analysis record (<see cref="PairEvidence"/>).
/// Each case is built, seeded from its case seed by named streams, trained, measured and disposed;
/// a case whose training did not reach the precondition is discarded (inconclusive, never a
/// counterexample: FsCheck reports it among the "discarded"); each case is labelled with its
/// verdict and replay, and counted by activation and data kind.
/// </summary>
public static class Conjecture
{
    /// <summary>The cases a conjecture ranges over; trained until <see cref="ConjectureCases.TrainedUntilGradient"/> says.</summary>
    public static ConjectureCases About(Arbitrary<SmallProblem> cases) => new(cases, Budget(Tolerances.SmallProblemGradientTarget, 100));

    /// <summary>Every counterexample found since the last <see cref="ConcurrentQueue{T}.Clear"/>, in the order FsCheck tried them (the last is the shrunk one).</summary>
    public static ConcurrentQueue<SmallProblem> Counterexamples { get; } = new();

    internal static SgdOptions Budget(double target, int epochs) => ClaimBuilders.FullBatch(epochs, target);
}

/// <summary>The cases of a conjecture and the training that must reach its precondition.</summary>
public sealed record ConjectureCases(Arbitrary<SmallProblem> Cases, SgdOptions Training)
{
    /// <summary>Precondition: full-batch gradient descent (lr 0.1) reaches max_x ||g_1(x)|| &lt;= <paramref name="target"/> within <paramref name="epochs"/> x 250 steps.</summary>
    public ConjectureCases TrainedUntilGradient(double target, int epochs = 100) => this with { Training = Conjecture.Budget(target, epochs) };

    /// <summary>The property: on every case that reaches the precondition, <paramref name="holds"/> is true.</summary>
    public Property Claims(string conclusion, Func<PairEvidence, bool> holds) =>
        Prop.ForAll(Cases, problem =>
        {
            using var scope = NewDisposeScope();
            using var trained = problem.Train(Training);
            var evidence = trained.Evidence();
            var ok = holds(evidence);
            if (evidence.ReachedGradientTarget && !ok) Conjecture.Counterexamples.Enqueue(problem);
            return ok.Label($"{(ok ? "holds" : "fails")}: {conclusion}, on {problem}; training {evidence.Training}; replay: {RunSeed.Replay}")
                .Collect($"{problem.Activation}, {problem.Data} data")
                .When(evidence.ReachedGradientTarget);
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
