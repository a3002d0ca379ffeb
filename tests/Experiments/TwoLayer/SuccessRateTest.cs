using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.Model.Experiments;

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
    [TestCase("default")]
    [TestCase("paper", Category = "Nightly")]
    public void StrongTeachersAreCoveredFirst_MoreSteeplyForLargerDecay(string scale) =>
        ShouldHold(SuccessRate.StrongTeachersFirst(ExperimentRuns.Success(scale)), scale);

    [TestCase("default")]
    [TestCase("paper", Category = "Nightly")]
    public void SuccessRateRisesWithMulti(string scale) =>
        ShouldHold(SuccessRate.RisesWithMulti(ExperimentRuns.Success(scale)), scale);

    [TestCase("default")]
    [TestCase("paper", Category = "Nightly")]
    public void FinalSuccessRateIsAtLeastTheEarlyOne(string scale) =>
        ShouldHold(SuccessRate.FinalAtLeastEarly(ExperimentRuns.Success(scale)), scale);

    /// <summary>
    /// Negative control: with the teacher order reversed (weakest first) the same runs must fail
    /// the "strong first" check; with the multi labels reversed they must fail "rises with multi".
    /// </summary>
    [Test]
    public void TheChecksFail_WhenTeacherOrderOrMultiIsReversed()
    {
        var runs = ExperimentRuns.Success("default");
        var weakFirst = runs.Select(r => r with
        {
            BestCorrPerTeacher = r.BestCorrPerTeacher.Reverse().ToArray(),
            BestCorrPerTeacherEarly = r.BestCorrPerTeacherEarly.Reverse().ToArray(),
        }).ToArray();
        var multis = runs.Select(r => r.Config.Multi).Distinct().Order().ToArray();
        var swapped = runs.Select(r => r with { Config = r.Config with { Multi = multis[multis.Length - 1 - Array.IndexOf(multis, r.Config.Multi)] } }).ToArray();

        SuccessRate.StrongTeachersFirst(weakFirst).Verdict.ShouldBe(Verdict.Fails);
        SuccessRate.RisesWithMulti(swapped).Verdict.ShouldBe(Verdict.Fails);
    }

    static void ShouldHold(ClaimOutcome outcome, string scale) => outcome.Verdict.ShouldBe(Verdict.Holds, $"scale {scale}: {outcome}");
}
