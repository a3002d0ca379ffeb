using FsCheck;
using NUnit.Framework;
using Verify.Model.Claims;
using Verify.TestSupport;
using Verify.Conjectures;
using Verify.Model.Protocols;

namespace Verify.Properties.Claims;

/// <summary>
/// Two conjectures written on <see cref="Conjecture"/> (docs/theorems/adding-a-conjecture.md; its example project,
/// examples/MyConjectures, states the first on the packages). The first is plausible but false on purpose:
/// "once the gradient is small at every sample, every student node specializes". Claim 4 says
/// otherwise (spare nodes vanish instead): <c>Refuted = true</c> makes the test pass only when FsCheck
/// finds a counterexample among cases that reached the precondition and shrinks it without growing it. The second holds (it is claim 1 up to the mirror).
/// </summary>
[TestFixture]
public sealed class FalseConjectureTest
{
    [Conjecture(MaxTest = 20, Refuted = true)]
    public Property EveryStudentNodeSpecializes_OnceTheGradientIsSmallAtEverySample() =>
        Conjecture.About(ClaimGen.Problems(SmallProblemSpace.TwoLayer(leak: 0)))
            .TrainedUntilGradient(3e-3)
            .Claims("every student node correlates above 0.95 with some teacher node",
                e => e.Report.BestCorrelationPerStudent.All(rho => rho > 0.95));

    [Conjecture(MaxTest = 6)]
    public Property EveryTeacherNodeIsMatched_OnceTheGradientIsSmallAtEverySample() =>
        Conjecture.About(ClaimGen.Problems(SmallProblemSpace.TwoLayer(leak: 0.1)))
            .TrainedUntilGradient(3e-3)
            .Claims("every teacher node is matched by a student node (rho and cos > 0.95, or its mirror)",
                e => LowestLayerSpecializationClaim.Judge(e, SpecializationCriteria.Hyperplane).ConclusionObserved == true);
}
