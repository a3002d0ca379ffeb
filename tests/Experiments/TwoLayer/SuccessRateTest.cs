using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.TestSupport;

namespace Verify.Experiments.TwoLayer;

/// <summary>
/// The paper's success-rate figure (claims 5 and 6): the fraction of seeds in which teacher j is
/// covered (eval rho &gt; 0.95) falls with j for p &gt;= 1, more steeply for larger p, rises with
/// multi, and the final rate is at least the rate after epoch 5.
/// Seeds: each rate is a fraction over seeds, so a single seed gives rates in {0, 1} and the
/// orderings compare averages over teachers and multis; 3 seeds (default) resolve differences of
/// 1/3 per teacher, 5 seeds (paper scale, Nightly) 1/5. The default sweep's observed margins
/// (drop +0.21 at p 1 and +1.00 at p 2; 70% at multi 1 against 83% at multi 10) exceed one seed's
/// share several times over.
/// </summary>
[TestFixture]
public sealed class SuccessRateTest
{
    [TestCase("default"), Judges("strong-teachers-first")]
    [TestCase("paper", Category = "Nightly")]
    public void StrongTeachersAreCoveredFirst(string scale) =>
        ShouldHold(StrongTeachersFirstClaim.Judge(SweepEvidence.Timelines(ExperimentRuns.Success(scale))), scale);

    [TestCase("default"), Judges("over-realization-helps")]
    [TestCase("paper", Category = "Nightly")]
    public void CoverageRisesWithMulti_PairedBySeed(string scale) =>
        ShouldHold(OverRealizationClaim.Judge(SweepEvidence.Widths(ExperimentRuns.Success(scale))), scale);

    [TestCase("default"), Judges("keeps-what-it-found")]
    [TestCase("paper", Category = "Nightly")]
    public void FinalSuccessRateIsAtLeastTheEarlyOne(string scale) =>
        ShouldHold(KeepsWhatItFoundClaim.Judge(ExperimentRuns.Success(scale)), scale);

    /// <summary>
    /// Negative control: judged against the reversed conjecture (weak teachers first) the same runs
    /// must fail; read in the order of shrinking width they must fail "over-realization helps".
    /// </summary>
    [Test]
    public void TheChecksFail_WhenTeacherOrderOrMultiIsReversed()
    {
        var runs = ExperimentRuns.Success("default");
        var weakFirst = StrongTeachersFirstClaim.Judge(SweepEvidence.Timelines(runs), weakness: r => r.TeacherFanOutNorms);
        var shrinking = OverRealizationClaim.Judge(SweepEvidence.Widths(runs).Select(s => s with { Widths = s.Widths.Reverse().ToArray() }).ToArray());

        weakFirst.Verdict.ShouldBe(Verdict.Fails, weakFirst.ToString());
        shrinking.Verdict.ShouldBe(Verdict.Fails, shrinking.ToString());
    }

    static void ShouldHold(ClaimOutcome outcome, string scale) => outcome.Verdict.ShouldBe(Verdict.Holds, $"scale {scale}: {outcome}");
}
