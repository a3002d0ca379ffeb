using FsCheck;
using NUnit.Framework;
using Verify.Conjectures;
using Verify.Model.Claims;
using Verify.Model.Protocols;

namespace MyConjectures;

/// <summary>Two conjectures about small trained teacher-student problems: one that holds, one that FsCheck refutes and shrinks.</summary>
[TestFixture]
public sealed class MyConjectures
{
    /// <summary>Holds: claim 1 of the paper (up to a mirror) at the end of mini-batch SGD, finished to a per-sample gradient of 1e-6.</summary>
    [Conjecture(MaxTest = 6)]
    public Property EveryTeacherNodeIsMatched_AtTheEndOfSgd() =>
        Conjecture.About(CaseFamily.Sgd, leak: 0.1)
            .Claims("every teacher node is matched by a student node (rho and cos > 0.95, or its mirror)",
                e => LowestLayerSpecializationClaim.Judge(e, SpecializationCriteria.Hyperplane).ConclusionObserved == true);

    /// <summary>
    /// False on purpose: claim 4 says spare student nodes vanish instead. Refuted = true makes the test pass only when FsCheck
    /// finds a counterexample that reached the precondition and shrinks it without growing it; if the conjecture held, it fails.
    /// </summary>
    [Conjecture(MaxTest = 20, Refuted = true)]
    public Property EveryStudentNodeSpecializes_OnceTheGradientIsSmallAtEverySample() =>
        Conjecture.About(ClaimGen.Problems(SmallProblemSpace.TwoLayer(leak: 0)))
            .TrainedUntilGradient(3e-3)
            .Claims("every student node correlates above 0.95 with some teacher node",
                e => e.Report.BestCorrelationPerStudent.All(rho => rho > 0.95));
}
