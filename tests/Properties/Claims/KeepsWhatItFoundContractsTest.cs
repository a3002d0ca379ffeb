using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The verdict that training keeps what it found: each group's final rate against its early rate.</summary>
[TestFixture]
public sealed class KeepsWhatItFoundContractsTest
{
    [Test]
    public void Keeps_ComparesEachGroupsFinalRateWithItsEarlyRate()
    {
        var runs = new[]
        {
            Run(decay: 1, multi: 1, end: Covering(3, 2), early: Covering(3, 2), evalLoss: new double[8], earlyEpoch: 5),
            Run(decay: 1, multi: 2, end: Covering(3, 3), early: Covering(3, 1), evalLoss: new double[8], earlyEpoch: 5),
        };
        var outcome = KeepsWhatItFoundClaim.Judge(runs);
        outcome.Verdict.ShouldBe(Verdict.Holds, "an unchanged rate is kept");
        outcome.Numbers.EarlyMean.ShouldBe((2.0 / 3 + 1.0 / 3) / 2, 1e-12);
        outcome.Numbers.EndMean.ShouldBe((2.0 / 3 + 1.0) / 2, 1e-12);
        outcome.Numbers.WorstGain.ShouldBe(0, 1e-12);
        (outcome.Numbers.WorstDecay, outcome.Numbers.WorstMulti, outcome.Numbers.EarlyEpoch).ShouldBe((1.0, 1, 5));

        var lost = KeepsWhatItFoundClaim.Judge([runs[0] with { BestCorrPerTeacher = Covering(3, 1) }, runs[1]]);
        lost.Verdict.ShouldBe(Verdict.Fails, "multi 1 lost a teacher it had found");
        lost.Numbers.WorstGain.ShouldBe(-1.0 / 3, 1e-12);
        Run(evalLoss: [1.0, 1.0]).EarlyEpoch.ShouldBe(2, "the early epoch is capped by the run's epochs");

        var none = KeepsWhatItFoundClaim.Judge([]);
        none.Verdict.ShouldBe(Verdict.Inconclusive);
        none.Reason.ShouldBe("no runs");
    }
}
