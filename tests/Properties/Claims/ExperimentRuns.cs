using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// Hand-built runs for the contracts of the verdicts the report reads off the paper's sweeps: a
/// two-layer run with the coverage, losses and outcome a test names, a multi-layer run, a coverage
/// timeline, and runs carrying the analysis the L-shape reads.
/// </summary>
/// <remarks>
/// Each fixture that uses them (<c>StrongFirstContractsTest</c>, <c>LShapeContractsTest</c>, ...) holds
/// one verdict to its rules on such runs, whose right verdict follows from the claim's statement:
/// which runs and sizes are read, which comparison is strict, what leaves it inconclusive. One test per
/// rule; the sweeps themselves are too slow to sit at these edges.
/// </remarks>
internal static class ExperimentRuns
{
    internal static TwoLayerRun Run(double decay = 1, int multi = 1, long seed = 1, int m = 3, double[]? end = null, double[]? early = null,
        double[]? evalLoss = null, TrainingData data = TrainingData.Gaussian, int nTrain = 100, TrainingOutcome outcome = TrainingOutcome.BudgetExhausted,
        Activation? activation = null, int?[]? firstCovered = null, int earlyEpoch = 5) =>
        new(new TwoLayerConfig
        {
            D = 4,
            M = m,
            Multi = multi,
            Decay = decay,
            Seed = seed,
            NTrain = nTrain,
            Batch = 1,
            TrainData = data,
            Activation = activation ?? Activation.Relu,
            Epochs = (evalLoss ?? [1.0]).Length,
            EarlyEpoch = earlyEpoch,
        },
            0, 0, end ?? new double[m], firstCovered ?? new int?[m], early ?? new double[m], [], [], Enumerable.Range(1, m).Select(j => 1.0 / j).ToArray(), 0,
            evalLoss ?? [1.0], [], outcome, 0);

    internal static double[] Covering(int m, int covered) => Enumerable.Range(0, m).Select(j => j < covered ? 0.99 : 0.5).ToArray();

    internal static MultiLayerRun Deep(double[] means, TrainingOutcome outcome = TrainingOutcome.BudgetExhausted) => new(new MultiLayerConfig(), means, 0, outcome, 0);

    internal static CoverageTimeline Timeline(double decay = 1, long seed = 1, int multi = 1, bool[]? early = null, bool[]? end = null, int?[]? first = null, int epochs = 10, string? series = null)
    {
        var m = (early ?? end ?? first?.Select(e => e is not null).ToArray() ?? new bool[3]).Length;
        return new CoverageTimeline("run", series ?? $"seed {seed}, p {decay}", seed, decay, multi, first ?? new int?[m], early ?? new bool[m], end ?? new bool[m], 2, epochs,
            Enumerable.Range(1, m).Select(j => Math.Pow(j, -decay)).ToArray());
    }

    /// <summary>A run that went to the end of the paper's protocol (the L-shape's precondition).</summary>
    internal static readonly TrainingResult ProtocolEnd = new(TrainingOutcome.BudgetExhausted, Verify.Model.Rules.LShapePaperSteps, 100, 1e-3, 0.1, []);

    internal static TwoLayerRun WithAnalysis(TwoLayerRun run, double spareFanOut, TrainingResult? training = null)
    {
        var report = new Verify.Model.Analysis.SpecializationReport(1, new[,] { { 0.99, 0.1 } }, new double[1, 2], [1.0, spareFanOut], [1.0], new int[1, 2]);
        return run with { Analysis = new PairEvidence("run", report, new double[2, 1], [false, false], null, null, false, [true], 10, training ?? ProtocolEnd) };
    }

    /// <summary>Two teachers of fan-out 1 and 0.1, each matched by a student node (rho 0.99); spare node 2 matches teacher <paramref name="matched"/> best, at rho 0.5.</summary>
    internal static TwoLayerRun WithWeakTeacher(double spareFanOut, int matched)
    {
        var rho = new[,] { { 0.99, 0.2, matched == 0 ? 0.5 : 0.1 }, { 0.2, 0.99, matched == 1 ? 0.5 : 0.1 } };
        var report = new Verify.Model.Analysis.SpecializationReport(1, rho, new double[2, 3], [1.0, 0.1, spareFanOut], [1.0, 0.1], new int[2, 3]);
        return Run(multi: 2, m: 2) with { Analysis = new PairEvidence("run", report, new double[3, 2], [false, false, false], null, null, false, [true, true], 10, ProtocolEnd) };
    }
}
