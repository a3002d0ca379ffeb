using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// The verdict of the authors' multi-layer protocol (<see cref="MultiLayerAuthorsClaim"/>) on
/// hand-built runs whose right verdict follows from the statement "the lowest layer specializes at a
/// smaller N than the upper layers; every layer rises with N": which runs are judged (seeds that
/// trained at every N), where a layer specializes (the level, interpolated in log N), what a rise is,
/// and that a seed that did not train is inconclusive, never a failure. One test per rule.
/// </summary>
[TestFixture]
public sealed class MultiLayerAuthorsJudgeTest
{
    static readonly int[] Sizes = [1_000, 4_000, 16_000];
    const double Level = MultiLayerAuthorsClaim.Level;

    /// <summary>One run: seed, N, the layers' mean best correlations, and how training went.</summary>
    static AuthorsMultiLayerRun Run(long seed, int n, double[] layers, double initial = 1.2, double final = 0.1, bool diverged = false) =>
        new(AuthorsMultiLayerConfig.Authors with { Ks = [10, 15, 20], NTrain = n, Seed = seed, Epochs = 2 },
            layers.Select(v => new[] { v }).ToArray(), layers, initial, diverged ? double.NaN : final, 1.2, diverged ? double.NaN : 0.2,
            [layers, layers], [0.5, 0.2], [1.2, 0.5, 0.2], diverged ? TrainingOutcome.Diverged : TrainingOutcome.BudgetExhausted, 100,
            diverged ? 50 : null, diverged ? 3.0 : null, 1.0);

    /// <summary>The same layer values for every seed of <paramref name="seeds"/>, one per size: curves[l][i] is layer l at Sizes[i].</summary>
    static List<AuthorsMultiLayerRun> Sweep(double[][] curves, params long[] seeds) =>
        seeds.SelectMany(s => Sizes.Select((n, i) => Run(s, n, curves.Select(c => c[i] + 0.001 * s).ToArray()))).ToList();

    static readonly double[][] LowestFirst = [[0.6, 0.92, 0.99], [0.5, 0.7, 0.95], [0.5, 0.6, 0.8]];

    [Test]
    public void Holds_WhenTheLowestLayerReachesTheLevelFirst_AndEveryLayerRises()
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep(LowestFirst, 1, 2));

        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
        outcome.Numbers.ConclusiveSeeds.ShouldBe([1L, 2L]);
        outcome.Numbers.Rises.ShouldAllBe(r => r);
        outcome.Numbers.CrossingN[2].ShouldBeNull("layer 3 never reaches 0.9");
        outcome.Numbers.MeanPerLayer[0][1].ShouldBe(0.9215, 1e-12, "the mean over seeds 1 and 2 (0.921, 0.922)");
    }

    [Test]
    public void TheCrossing_IsInterpolatedInLogN()
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.7, 1.0, 1.0], [0.5, 0.6, 0.95]], 1, 2));

        // Layer 1's mean over seeds goes 0.7015 -> 1.0015 between N 1,000 and 4,000: 0.9 at t = 0.1985 / 0.3 of the way in log N.
        outcome.Numbers.CrossingN[0]!.Value.ShouldBe(Math.Pow(10, 3 + 0.1985 / 0.3 * Math.Log10(4)), 1e-6);
        outcome.Numbers.CrossingN[1]!.Value.ShouldBe(Math.Pow(10, Math.Log10(4_000) + 0.2985 / 0.35 * Math.Log10(4)), 1e-6);
    }

    [Test]
    public void Fails_WhenAnUpperLayerReachesTheLevelAtASmallerN()
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.5, 0.7, 0.95], [0.6, 0.92, 0.99], [0.5, 0.6, 0.8]], 1, 2));

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Evidence.ShouldContain("layer 2 reaches 0.9");
    }

    [Test]
    public void Fails_WhenAnUpperLayerReachesTheLevel_AndTheLowestNever()
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.5, 0.7, 0.85], [0.6, 0.8, 0.95], [0.5, 0.6, 0.8]], 1, 2));

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Evidence.ShouldContain("the lowest layer never does");
    }

    [TestCase(0.03, Verdict.Fails)]
    [TestCase(0.01, Verdict.Holds)]
    public void ALayerThatFallsFromOneNToTheNext_FailsOnlyBeyondTheSlack(double fall, Verdict expected)
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.6, 0.95, 0.95 - fall], [0.5, 0.7, 0.8], [0.5, 0.6, 0.8]], 1, 2));

        outcome.Verdict.ShouldBe(expected, outcome.ToString());
    }

    [TestCase(0.04, Verdict.Fails)]
    [TestCase(0.06, Verdict.Holds)]
    public void ALayerBelowTheLevel_MustGainTheRise(double gain, Verdict expected)
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.6, 0.95, 0.99], [0.5, 0.7, 0.8], [0.5, 0.5, 0.5 + gain]], 1, 2));

        outcome.Verdict.ShouldBe(expected, outcome.ToString());
    }

    [Test]
    public void ALayerAtTheLevelFromTheSmallestN_NeedNotRise_AndComesFirst()
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.97, 0.97, 0.98], [0.5, 0.7, 0.8], [0.5, 0.6, 0.8]], 1, 2));

        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    [Test]
    public void IsInconclusive_WhenTheLowestAndAnUpperLayerAreBothAtTheLevelAtTheSmallestN()
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.97, 0.97, 0.98], [0.95, 0.96, 0.97], [0.5, 0.6, 0.8]], 1, 2));

        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldContain("the grid starts too late");
    }

    [Test]
    public void IsInconclusive_WhenNoLayerReachesTheLevel()
    {
        var outcome = MultiLayerAuthorsClaim.Judge(Sweep([[0.5, 0.7, 0.85], [0.5, 0.6, 0.8], [0.5, 0.6, 0.8]], 1, 2));

        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldContain("no layer reaches 0.9");
    }

    /// <summary>A seed whose run stalled is left out with its numbers; with one seed left the verdict is inconclusive, even though the stalled run's numbers would fail the claim.</summary>
    [Test]
    public void AStalledSeed_IsInconclusive_NeverAFailure()
    {
        var runs = Sweep(LowestFirst, 1, 2);
        runs[^1] = Run(2, 16_000, [0.3, 0.95, 0.99], initial: 1.2, final: 0.9);

        var outcome = MultiLayerAuthorsClaim.Judge(runs);

        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldContain("1 seed trained at every N, at least 2 needed");
        var left = outcome.Numbers.LeftOut.ShouldHaveSingleItem();
        (left.Seed, left.NTrain, left.State).ShouldBe((2L, 16_000, AuthorsRunState.Stalled));
        left.LossRatio!.Value.ShouldBe(0.75, 1e-12);
        outcome.Evidence.ShouldContain("seed 2 at N 16000 stalled (training MSE 1.2 -> 0.9, ratio 0.75)");
    }

    [Test]
    public void AStalledSeed_IsLeftOut_AndTheOthersAreJudged()
    {
        var runs = Sweep(LowestFirst, 1, 2, 3);
        runs[^1] = Run(3, 16_000, [0.3, 0.95, 0.99], initial: 1.2, final: 0.9);

        var outcome = MultiLayerAuthorsClaim.Judge(runs);

        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
        outcome.Numbers.ConclusiveSeeds.ShouldBe([1L, 2L]);
    }

    [Test]
    public void ADivergedRun_MakesItsSeedInconclusive_WithItsStepAndLastLoss()
    {
        var runs = Sweep(LowestFirst, 1, 2);
        runs[0] = Run(1, 1_000, [double.NaN, double.NaN, double.NaN], diverged: true);

        var outcome = MultiLayerAuthorsClaim.Judge(runs);

        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Evidence.ShouldContain("seed 1 at N 1000 diverged at step 50 (last finite loss 3)");
    }

    [Test]
    public void TwoSizes_AreNotACurve()
    {
        var runs = Sweep(LowestFirst, 1, 2).Where(r => r.Config.NTrain != 4_000).ToArray();

        MultiLayerAuthorsClaim.Judge(runs).Reason!.ShouldContain("2 training-set sizes, at least 3 needed");
    }

    [Test]
    public void ASeedMissingASize_IsNotJudged()
    {
        var runs = Sweep(LowestFirst, 1, 2, 3).Where(r => !(r.Config.Seed == 3 && r.Config.NTrain == 4_000)).ToArray();

        MultiLayerAuthorsClaim.Judge(runs).Numbers.ConclusiveSeeds.ShouldBe([1L, 2L]);
    }

    [TestCase(0.5, AuthorsRunState.Completed)]
    [TestCase(0.5000001, AuthorsRunState.Stalled)]
    [TestCase(double.NaN, AuthorsRunState.Stalled)]
    public void ARunStalls_AboveHalfItsInitialTrainingLoss(double ratio, AuthorsRunState expected) =>
        MultiLayerAuthorsClaim.Classify(Run(1, 1_000, [0.5, 0.5, 0.5], initial: 2, final: 2 * ratio)).ShouldBe(expected);

    [Test]
    public void RunsOfDifferentShapes_AreRefused()
    {
        var runs = Sweep(LowestFirst, 1, 2);
        runs[0] = runs[0] with { Config = runs[0].Config with { NodeMulti = 2 } };

        Should.Throw<ArgumentException>(() => MultiLayerAuthorsClaim.Judge(runs)).Message.ShouldContain("differ in more than N and seed");
    }

    [Test]
    public void TheRules_AreTheRecordsRules()
    {
        (MultiLayerAuthorsClaim.StallFraction, MultiLayerAuthorsClaim.Level, MultiLayerAuthorsClaim.DropSlack, MultiLayerAuthorsClaim.MinRise)
            .ShouldBe((Verify.Model.Rules.MultiLayerStallFraction, Verify.Model.Rules.MultiLayerAuthorsLevel, Verify.Model.Rules.MultiLayerAuthorsDropSlack, Verify.Model.Rules.MultiLayerAuthorsMinRise));
        (MultiLayerAuthorsClaim.MinSeeds, MultiLayerAuthorsClaim.MinSizes).ShouldBe((Verify.Model.Rules.MultiLayerAuthorsMinSeeds, Verify.Model.Rules.MultiLayerAuthorsMinSizes));
        Level.ShouldBe(MultiLayerClaim.MinLowestLayer, "the same level as the other multi-layer protocol");
    }
}
