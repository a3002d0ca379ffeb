using NUnit.Framework;
using Shouldly;
using Verify.Model.Evidence;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The convergence table and curves the report draws from the sweeps: read off each run's final epoch and spread over seeds, a reported table, not a verdict.</summary>
[TestFixture]
public sealed class ConvergenceTableContractsTest
{
    [Test]
    public void ConvergenceTable_ReadsEachRunsFinalEpoch_WithItsSpreadOverSeeds()
    {
        var table = Convergence.FinalLoss(
        [
            Run(decay: 1, multi: 2, seed: 1, evalLoss: [1.0, 1e-2]), Run(decay: 1, multi: 2, seed: 2, evalLoss: [1.0, 1e-4]),
            Run(decay: 0, multi: 1, seed: 1, evalLoss: [1e-3]),
        ]);
        table.Select(f => (f.Decay, f.Multi)).ShouldBe([(0.0, 1), (1.0, 2)], "ordered by p, then multi");
        var two = table[1].Log10EvalLoss;
        (two.Mean, two.Min, two.Max, two.Seeds).ShouldBe((-3.0, -4.0, -2.0, 2), "the final epoch's loss, not the first");
        two.Sd.ShouldBe(Math.Sqrt(2), 1e-12, "sample standard deviation of -2 and -4");
        table[0].Log10EvalLoss.Sd.ShouldBe(0, "one seed has no spread");
        Spread.Of([]).Seeds.ShouldBe(0);
    }

    [Test]
    public void ConvergenceCurves_GiveEachEpochsSpread_OverTheShortestRun()
    {
        var curves = Convergence.Log10EvalLoss([Run(multi: 2, seed: 1, evalLoss: [10.0, 1.0, 0.1]), Run(multi: 2, seed: 2, evalLoss: [1000.0, 0.01])]);
        var curve = curves[(1.0, 2)];
        curve.Length.ShouldBe(2, "the shorter run has two epochs");
        (curve[0].Mean, curve[0].Min, curve[0].Max).ShouldBe((2.0, 1.0, 3.0));
        (curve[1].Mean, curve[1].Min, curve[1].Max).ShouldBe((-1.0, -2.0, 0.0));
    }
}
