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
/// Known finding: near claim 3's measured N*(K, d), far below the paper's sample bound K^{5/2} d^3 / eps, claim 1
/// fails at a small per-sample gradient: the student fits the data without specializing every teacher. Drawn by
/// run seed 2020 (`verify reproduce`, the near-n-star family, leaky stream): d 3, m 2, multi 2, p 0, 33
/// teacher-aware points (N* 8, the bound 47,600), case seed 1682617696284020778. At the gradient descent target
/// (3e-4, loss 6.9e-7) teacher 0's best student has rho 0.970, cos 0.939; trained on to 9.8e-7, below the rules'
/// precondition of 1e-6 (loss 6.5e-12), it is still at rho 0.970, cos 0.939: a stationary point, not an
/// unfinished run. The near-n-star family's claims 1
/// and 2 (and claim 4, whose un-specialized nodes keep fan-out there: run seed 514663336 drew d 4, m 2, p 0.5, N 36
/// with two nodes at rho 0.91 and 0.92 to one teacher, fan-outs 0.31 and 0.80, at gradient 3.0e-4) are judged and
/// reported like every family (gated, with their bounds), and asserted here as the finding, not as the claim: the
/// paper's data condition is not met there.
/// </summary>
[TestFixture, Category("Finding")]
public sealed class NearNStarFindingTest
{
    static readonly SmallProblem Case = new(3, [2], 0.1, 0, 2, 33, 1682617696284020778, SmallData.TeacherAware);

    [Test]
    public void ALeakyCaseNearNStar_AtTheRulesGradient_LeavesATeacherUnspecialized()
    {
        using var scope = NewDisposeScope();
        var settings = new TheoremCheckSettings();
        using var trained = Case.Train(settings.TwoLayerBudget);
        var outcome = LowestLayerSpecializationClaim.Judge(trained.Evidence(), SpecializationCriteria.Hyperplane);
        TestContext.Out.WriteLine(outcome);
        using var further = Case.Train(settings.TwoLayerBudget with { GradientTarget = 1e-6, Epochs = 4000 });
        var later = LowestLayerSpecializationClaim.Judge(further.Evidence(), SpecializationCriteria.Hyperplane);
        TestContext.Out.WriteLine(later);
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        further.Training.MaxSampleGradient.ShouldBeLessThanOrEqualTo(1e-6, further.Training.ToString());
        later.Verdict.ShouldBe(Verdict.Fails, "at a gradient 300 times smaller the teacher is still unspecialized: " + later);
        later.Numbers.MinBestCosine.ShouldBeInRange(0.9, Rules.AlignedCosine, later.ToString());
    }

    /// <summary>
    /// The near-n-star family is gated like every family: at least 16 conclusive cases per claim and activation, each
    /// with its failure-rate bound, printed here. Its verdicts stand in claims.json; a failure there is the finding above.
    /// </summary>
    [TestCaseSource(typeof(ClaimRuns), nameof(ClaimRuns.NearNStar))]
    [Judges("lowest-layer-specialization.relu.near-n-star.hyperplane"), Judges("lowest-layer-specialization.leaky.near-n-star.hyperplane")]
    [Judges("core-argument.relu.near-n-star.hyperplane"), Judges("core-argument.leaky.near-n-star.hyperplane")]
    [Judges("unspecialized-students-vanish.leaky.near-n-star.hyperplane")]
    public void NearNStarFamily_IsGated_AndItsFailuresAreStationaryFits(string activation, string family)
    {
        var claims = activation == "relu" ? new[] { LowestLayerSpecializationClaim.Info, CoreArgumentClaim.Info }
            : new[] { LowestLayerSpecializationClaim.Info, CoreArgumentClaim.Info, VanishingClaim.Info };
        foreach (var claimInfo in claims)
        {
            var claim = ClaimRuns.Claim(claimInfo, activation, family);
            var outcome = ClaimRuns.Fresh.Outcome(claim);
            ClaimRuns.Print(ClaimRuns.Fresh, claim, outcome);
            outcome.Cases!.Conclusive.ShouldBeGreaterThanOrEqualTo(Tolerances.MinConclusiveCases, $"{outcome}; replay: {RunSeed.Replay}");
            foreach (var c in ClaimRuns.Fresh.CasesOf(claim).Where(c => c.Outcome.Verdict == Verdict.Fails))
                c.Problem.Data.ShouldBe(SmallData.TeacherAware, "a failure of this family is a fit of few teacher-aware points: " + c.Outcome);
        }
    }
}
