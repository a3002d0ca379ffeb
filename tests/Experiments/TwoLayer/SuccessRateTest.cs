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

    /// <summary>
    /// Claim 6 read by its one judge (<see cref="OverRealizationClaim"/>: per seed and p, coverage
    /// non-decreasing in multi and the loss after the early epoch lower at the largest multi; a sign
    /// test over series). Finding at the default size (named streams, 27 Nov 2026): it fails, 5 of 9
    /// series. At p = 0 all three series have full coverage at every multi but multi 1 reaches a lower
    /// early loss (about 1e-6 against 6e-3 at multi 10: a student of the teacher's width fits equal-strength
    /// teachers first, as the convergence figure shows); at p = 1 and 2, 5 of 6 series succeed. The
    /// default case asserts this finding so that a change to it shows; the paper size is Nightly.
    /// </summary>
    [TestCase("default", Verdict.Fails), Judges("over-realization-helps")]
    [TestCase("paper", Verdict.Holds, Category = "Nightly")]
    public void CoverageRisesWithMulti_PairedBySeed(string scale, Verdict expected)
    {
        var outcome = OverRealizationClaim.Judge(SweepEvidence.Widths(ExperimentRuns.Success(scale)));
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(expected, $"scale {scale}: {outcome}");
    }

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
