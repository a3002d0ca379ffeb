using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.TestSupport;

namespace Verify.Experiments.TwoLayer;

/// <summary>
/// The paper's success-rate figure (m = 20; default: p in {0.5, 1.5, 2.5}, 3 seeds, 10 epochs;
/// paper, Nightly: p in {0.5 .. 2.5}, 5 seeds, 100 epochs), read by the judges of claims 5 and 6
/// and by "training keeps what it found". The judges' negative controls change how the teacher or
/// the student is generated and live beside the property tests on small problems
/// (<c>StrongTeachersFirstTest</c>, <c>OverRealizationTest</c>), where they run in seconds.
/// Seeds: claim 5 bootstraps over the sweep's seeds (3 by default: the 5% percentile is then the
/// worst seed's drop, so every seed must show the drop); claim 6 runs one sign test per statistic
/// over the 9 (default) or 25 (paper) series of runs that differ only in multi.
/// </summary>
[TestFixture]
public sealed class SuccessRateTest
{
    /// <summary>Claim 5: for every p &gt;= 1 the strongest third is covered more often than the weakest, and the drop grows with p.</summary>
    [TestCase("default"), Judges("strong-teachers-first")]
    [TestCase("paper", Category = "Nightly")]
    public void StrongTeachersAreCoveredFirst(string scale) =>
        ShouldHold(StrongTeachersFirstClaim.Judge(SweepEvidence.Timelines(ExperimentRuns.Success(scale)), TheoremCheckSettings.DefaultRunSeed), scale);

    /// <summary>Claim 6, paired by seed: coverage after the early epoch rises and the first-covered epoch falls with multi.</summary>
    [TestCase("default"), Judges("over-realization-helps")]
    [TestCase("paper", Category = "Nightly")]
    public void MoreTeachersAreSpecializedInFewerIterations_PairedBySeed(string scale) =>
        ShouldHold(OverRealizationClaim.Judge(SweepEvidence.Timelines(ExperimentRuns.Success(scale))), scale);

    [TestCase("default"), Judges("keeps-what-it-found")]
    [TestCase("paper", Category = "Nightly")]
    public void FinalSuccessRateIsAtLeastTheEarlyOne(string scale) =>
        ShouldHold(KeepsWhatItFoundClaim.Judge(ExperimentRuns.Success(scale)), scale);

    static void ShouldHold(ClaimOutcome outcome, string scale)
    {
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Holds, $"scale {scale}: {outcome}");
    }
}
