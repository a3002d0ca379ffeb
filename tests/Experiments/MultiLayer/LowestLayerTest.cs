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
/// N = 500); Nightly: the paper's setting (<see cref="Model.Experiments.MultiLayerConfig.Paper"/>).
/// Seeds: 3 (default) or 5 (paper); the judge reads the mean over seeds and reports the spread.
/// </summary>
[TestFixture]
public sealed class LowestLayerTest
{
    [TestCase("default"), Judges("multi-layer")]
    [TestCase("paper", Category = "Nightly")]
    public void LowestLayerSpecializesAtLeastAsWellAsUpperLayers(string scale)
    {
        var outcome = MultiLayerClaim.Judge(ExperimentRuns.MultiLayer(scale));
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Holds, $"scale {scale}: {outcome}");
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
    }
}
