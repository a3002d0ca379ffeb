using NUnit.Framework;
using Shouldly;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Protocols;
using Verify.TestSupport;
using static TorchSharp.torch;
using Verify.Conjectures;

namespace Verify.Properties.Claims;

/// <summary>
/// Known finding: claim 4 under the hyperplane reading fails on about 1% of the wide family's leaky cases, at the
/// precondition of rules 2026-12-06.4 (finished to 1e-6, moved at most 10%) as at the 3e-4 of rules .1: the Nightly
/// runs of run seeds 426713900 (rules .1, 1 of 106), 985881769 (rules .1, 1 of 105) and 2922733227 (rules .4, 1 of
/// 103). Pinned: the case of run seed 2922733227, d 7, m 2, leaky 0.1, p 0.5, multi 3, 300 Gaussian points, on the
/// Nightly budget. At gradient 1.0e-7 and loss 1.9e-16, the finisher having moved it 0.21%, four of six nodes are
/// aligned with no teacher (best rho 0.14 to 0.29); three keep fan-out 0.13 to 0.29 and are neither co-linear at
/// 0.999 nor affine on the data: no rule of the hyperplane reading excuses them, yet together they compute
/// nothing. The wide family's claim 4 is judged and reported like every family; it is asserted here, as the
/// finding, not in the test named after the claim.
/// </summary>
[TestFixture, Category("Finding")]
public sealed class WideClaimFourFindingTest
{
    static readonly SmallProblem Case = new(7, [2], 0.1, 0.5, 3, 300, 5858707609815756379);

    [Test]
    public void AWideLeakyCase_KeepsANodeWithFanOut_ThatNoReadingExcuses()
    {
        using var scope = NewDisposeScope();
        var settings = new TheoremCheckSettings { Epochs = 400 };
        var outcome = TheoremChecks.JudgeTwoLayerCase(Case, CaseFamily.Wide, settings)
            .Single(o => o.Claim.Id == TheoremChecks.ClaimOf(VanishingClaim.Info, 0.1, CaseFamily.Wide, Reading.Hyperplane).Id);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        ((ClaimOutcome<VanishingNumbers>)outcome).Numbers.MaxSampleGradient.ShouldBeLessThanOrEqualTo(Rules.FinishedGradient, "at the precondition, not short of it");
    }

    /// <summary>The wide family's claim 4 is gated like every family: at least 16 conclusive cases, with its bound, printed here.</summary>
    [Test, Judges("unspecialized-students-vanish.leaky.wide.hyperplane")]
    public void WideFamily_ClaimFour_IsGated()
    {
        var claim = ClaimRuns.Claim(VanishingClaim.Info, "leaky", CaseFamily.Wide.Name);
        var outcome = ClaimRuns.Fresh.Outcome(claim);
        ClaimRuns.Print(ClaimRuns.Fresh, claim, outcome);
        outcome.Cases!.Conclusive.ShouldBeGreaterThanOrEqualTo(Verify.TestSupport.Tolerances.MinConclusiveCases, $"{outcome}; replay: {RunSeed.Replay}");
    }
}
