using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Training;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The multi-layer verdict: the lowest layer at the level (inclusive), upper layers at most the slack above it, the mean over runs with its spread.</summary>
[TestFixture]
public sealed class MultiLayerClaimContractsTest
{
    [Test]
    public void MultiLayer_NeedsTheLowestLayerAtTheLevel_InclusiveBoundary()
    {
        MultiLayerClaim.Judge([Deep([MultiLayerClaim.MinLowestLayer, 0.5])]).Verdict.ShouldBe(Verdict.Holds, "exactly the level counts");
        var low = MultiLayerClaim.Judge([Deep([MultiLayerClaim.MinLowestLayer - 1e-9, 0.5])]);
        low.Verdict.ShouldBe(Verdict.Fails, "below the level, however far above the upper layers");
        low.Evidence.ShouldContain("[below]");
        low.Evidence.ShouldNotContain("[an upper layer is higher]");
        MultiLayerClaim.MinLowestLayer.ShouldBe(0.9);
    }

    [Test]
    public void MultiLayer_AllowsUpperLayersAtMostTheSlackAboveTheLowest()
    {
        var within = MultiLayerClaim.Judge([Deep([0.95, 0.95 + 0.019, 0.5]), Deep([0.95, 0.95 + 0.019, 0.5])]);
        within.Verdict.ShouldBe(Verdict.Holds, "0.019 above the lowest is within the 0.02 slack");
        within.Numbers.MeanBestCorrelationPerLayer.ShouldBe([0.95, 0.969, 0.5], 1e-12);
        within.Numbers.Runs.ShouldBe(2);
        var above = MultiLayerClaim.Judge([Deep([0.95, 0.5, 0.95 + 0.021])]);
        above.Verdict.ShouldBe(Verdict.Fails, "the top layer is 0.021 above the lowest");
        above.Evidence.ShouldContain("[an upper layer is higher]");
        above.Evidence.ShouldNotContain("[below]");
        MultiLayerClaim.Slack.ShouldBe(0.02);
    }

    [Test]
    public void MultiLayer_JudgesTheMeanOverRuns_AndReportsTheirSpread()
    {
        var outcome = MultiLayerClaim.Judge([Deep([0.92, 0.99]), Deep([0.98, 0.85])]);
        outcome.Verdict.ShouldBe(Verdict.Holds, "the means 0.95 and 0.92 are compared, not each run");
        outcome.Numbers.SdPerLayer[0].ShouldBe(Math.Sqrt(0.0018), 1e-12);
        outcome.Numbers.MinPerLayer.ShouldBe([0.92, 0.85]);
        MultiLayerClaim.Judge([Deep([0.85, 0.5]), Deep([0.93, 0.5])]).Verdict.ShouldBe(Verdict.Fails, "mean 0.89 is below the level though one run is above it");
        MultiLayerClaim.Judge([Deep([0.95, 0.5]), Deep([0.95, 0.5], TrainingOutcome.Diverged)]).Reason!.ShouldContain("diverged");
    }
}
