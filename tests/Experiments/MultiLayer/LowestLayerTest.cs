using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.Model.Training;
using Verify.TestSupport;

namespace Verify.Experiments.MultiLayer;

/// <summary>
/// Claim 1 for deep networks, as the paper's multi-layer experiment shows it: the lowest layer's
/// mean best correlation (over teacher nodes, max over student nodes, eval data) reaches
/// <see cref="MultiLayerClaim.MinLowestLayer"/> and is at least the upper layers' (less
/// <see cref="MultiLayerClaim.Slack"/>). Default: a scaled-down teacher (d 20, widths [10, 15, 20],
/// N = 500); Nightly: the paper's setting (<see cref="Model.Evidence.MultiLayerConfig.Paper"/>).
/// Seeds: 3 (default) or 5 (paper); the judge reads the mean over seeds and reports the spread.
/// </summary>
/// <remarks>
/// At the default size the claim fails on one stalled seed: the finding of
/// <see cref="MultiLayerStallAtTheDefaultSizeFindingTest"/>. This fixture asserts the claim at the paper's size (Nightly).
/// </remarks>
[TestFixture]
public sealed class LowestLayerTest
{
    [Test, Category("Nightly"), Judges("multi-layer")]
    public void LowestLayerSpecializesAtLeastAsWellAsUpperLayers()
    {
        var outcome = MultiLayerClaim.Judge(ExperimentRuns.MultiLayer("paper"));
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// Negative control: the same teachers, data and students stopped after one SGD step (the
    /// training changed, not the numbers relabelled). An under-trained student has not specialized,
    /// so the same judge must not find it.
    /// </summary>
    [Test]
    public void AnUnderTrainedStudent_DoesNotSpecialize()
    {
        var runs = TrialRunner.RunAll(ExperimentRuns.Scale("default").MultiLayer.Select(c => c.UnderTrained()).ToArray(), Model.Experiments.MultiLayer.Run);

        var outcome = MultiLayerClaim.Judge(runs);
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        runs.ShouldAllBe(r => r.MeanBestCorrelation[0] < MultiLayerClaim.MinLowestLayer, "no under-trained run reaches the level on its own");
    }
}

/// <summary>
/// Known finding at the default size (27 Nov 2026, when the absolute level joined the ordering): the multi-layer claim
/// **fails**. Layer means 0.770, 0.654, 0.569: the order holds, the level does not. Per seed the lowest layer reaches
/// 0.982 and 0.945 (seeds 1 and 3, train loss 0.012 and 0.015), but seed 2 stalls at train loss 0.69 with 0.383, 0.335,
/// 0.176: a run that never fit its data, averaged in as the paper's figure averages its seeds. The default size runs 20
/// epochs of 1,000 steps (the paper-size run 100); the paper does not state the multi-layer protocol's length, so the
/// judge has no end-state precondition here (docs/theorems/01). Asserted so that a change shows: the verdict, a run far
/// below the level with a train loss far above the others'.
/// </summary>
[TestFixture, Category("Finding")]
public sealed class MultiLayerStallAtTheDefaultSizeFindingTest
{
    [Test]
    public void AtTheDefaultSize_OneSeedStalls_AndTheMeanOverSeedsFallsBelowTheLevel()
    {
        var runs = ExperimentRuns.MultiLayer("default");
        var outcome = MultiLayerClaim.Judge(runs);
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        var stalled = runs.MinBy(r => r.MeanBestCorrelation[0])!;
        stalled.MeanBestCorrelation[0].ShouldBeLessThan(MultiLayerClaim.MinLowestLayer, outcome.ToString());
        runs.Where(r => r != stalled).ShouldAllBe(r => r.TrainLoss < stalled.TrainLoss, "the stalled run never fit its data");
    }
}
