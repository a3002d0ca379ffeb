using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// The judges of the claims about one trained pair, read on hand-built analysis records whose
/// right verdict follows from the claim's statement: each threshold on the side the statement puts
/// it (strict or not), each hypothesis turning a case inconclusive, and each count in the typed
/// numbers. The claim tests judge trained pairs, which rarely sit at a threshold; these pin the rule
/// itself, so a judge that drifted from its statement (found by mutation testing, docs/mutation.md)
/// changes a verdict here.
/// </summary>
[TestFixture]
public sealed class JudgeContractsTest
{
    static TrainingResult Run(TrainingOutcome outcome = TrainingOutcome.ReachedGradientTarget, double gradient = 1e-4, long steps = 500) =>
        new(outcome, steps, 2, 1e-6, gradient, []);

    /// <summary>A report with these correlations and cosines (teachers j in rows, students k in columns).</summary>
    static SpecializationReport Report(double[,] rho, double[,]? cosine = null, double[]? studentFanOut = null, double[]? teacherFanOut = null,
        int[,]? observation = null)
    {
        int m = rho.GetLength(0), n = rho.GetLength(1);
        return new SpecializationReport(1, rho, cosine ?? new double[m, n], studentFanOut ?? Enumerable.Repeat(1.0, n).ToArray(),
            teacherFanOut ?? Enumerable.Repeat(1.0, m).ToArray(), observation ?? new int[m, n]);
    }

    static PairEvidence Evidence(SpecializationReport report, TrainingResult? training, double[,]? alpha = null, bool[]? affine = null,
        double[]? netFanOut = null, bool leaky = false, bool[]? straddles = null) =>
        new("hand-built", report, alpha ?? new double[report.Students, report.Teachers], affine ?? new bool[report.Students],
            netFanOut ?? report.StudentFanOutNorms, 0.95, leaky, straddles ?? Enumerable.Repeat(true, report.Teachers).ToArray(), 50, training);

    // ---- claim 4: every node specializes or vanishes ----

    /// <summary>
    /// Six students over two teachers, one of each kind the judge tells apart, each just on the
    /// counted side of its threshold: rho above tau, a mirror below -tau, fan-out at the tolerance,
    /// affine on the data, a co-linear group whose net fan-out is at the tolerance, and one node that is
    /// neither. Each must land in its own count, in that order of precedence.
    /// </summary>
    [Test]
    public void Vanishing_CountsEachKindOfNode_AtItsThreshold()
    {
        const double tol = 0.05;
        var rho = new double[,] { { 0.951, 0.95, 0.2, 0.2, 0.2, 0.2 }, { 0.1, 0.1, 0.1, 0.1, 0.1, 0.1 } };
        var cos = new double[,] { { 0.9, -0.951, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, -0.95 } };
        var fanOut = new[] { 1.0, 1.0, tol, 1.0, 1.0, 0.7 };
        var affine = new[] { false, false, false, true, false, false };
        var net = new[] { 1.0, 1.0, 1.0, 1.0, tol, 0.3 };
        var e = Evidence(Report(rho, cos, fanOut), Run(gradient: 1e-3), affine: affine, netFanOut: net);

        var outcome = VanishingClaim.Judge(e, VanishingCriteria.AtSmallGradient with { AllowMirror = true });

        var n = outcome.Numbers;
        n.Students.ShouldBe(6);
        n.Specialized.ShouldBe(1, "only rho > tau specializes; rho = tau does not");
        n.MirrorsOfATeacher.ShouldBe(1, "cos < -tau is a mirror; cos = -tau is not");
        n.Vanished.ShouldBe(1, "fan-out at the tolerance counts as vanished");
        n.AffineOnTheData.ShouldBe(1);
        n.CancelledInColinearGroups.ShouldBe(1, "a group whose net fan-out is at the tolerance has cancelled");
        n.Neither.ShouldBe(1);
        n.NeitherShare.ShouldBe(1.0 / 6, 1e-15);
        n.LargestOffendingFanOut.ShouldBe(0.7, "the largest fan-out among the nodes that are neither");
        n.FanOutTolerance.ShouldBe(tol);
        n.MaxSampleGradient.ShouldBe(1e-3);
        outcome.Verdict.ShouldBe(Verdict.Fails, "one node is neither specialized nor vanished, and none may be at the small gradient");
        outcome.ConclusionObserved.ShouldBe(false);

        var noMirror = VanishingClaim.Judge(e, VanishingCriteria.AtSmallGradient);
        noMirror.Numbers.MirrorsOfATeacher.ShouldBe(0, "mirrors count only where allowed");
        noMirror.Numbers.Neither.ShouldBe(2, "without mirrors the mirrored node (fan-out 1, not affine, no group) is neither");
        noMirror.Numbers.LargestOffendingFanOut.ShouldBe(1.0);
    }

    [Test]
    public void Vanishing_ReadsTheToleranceRelativeToTheStrongestTeacher_AtThePaperBudget()
    {
        var rho = new double[,] { { 0.1, 0.1, 0.1 }, { 0.1, 0.1, 0.1 } };
        var e = Evidence(Report(rho, studentFanOut: [0.2, 0.21, 0.19], teacherFanOut: [1.0, 2.0]), Run(TrainingOutcome.BudgetExhausted));

        var outcome = VanishingClaim.Judge(e, VanishingCriteria.AtPaperBudget);

        outcome.Numbers.FanOutTolerance.ShouldBe(0.2, 1e-15, "0.1 x the largest teacher fan-out 2.0");
        outcome.Numbers.Vanished.ShouldBe(2, "fan-outs 0.2 and 0.19 are within 0.2");
        outcome.Numbers.Neither.ShouldBe(1);
        outcome.Verdict.ShouldBe(Verdict.Fails, "1 of 3 nodes left over is more than the 10% the paper budget allows");
        outcome.Reason.ShouldBeNull("the paper-budget reading needs no gradient target");
    }

    [Test]
    public void Vanishing_AllowsExactlyTheStatedShareOfLeftOverNodes()
    {
        var rho = new double[,] { { 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.99, 0.1 } };
        var e = Evidence(Report(rho), Run(TrainingOutcome.BudgetExhausted));
        var atTenPercent = VanishingClaim.Judge(e, VanishingCriteria.AtPaperBudget);
        atTenPercent.Numbers.NeitherShare.ShouldBe(0.1, 1e-15);
        atTenPercent.Verdict.ShouldBe(Verdict.Holds, "1 of 10 nodes left over is within the allowed 10%");
        VanishingClaim.Judge(e, VanishingCriteria.AtPaperBudget with { MaxNeitherShare = 0.09 }).Verdict.ShouldBe(Verdict.Fails);
    }

    [Test]
    public void Vanishing_IsInconclusive_WithoutItsHypothesisOrPrecondition()
    {
        var over = Report(new double[,] { { 0.99, 0.99 } });
        VanishingClaim.Judge(Evidence(over, Run(gradient: 1e-3))).Verdict.ShouldBe(Verdict.Holds, "gradient exactly at the level reaches it");
        VanishingClaim.Judge(Evidence(over, Run(gradient: 1.01e-3))).Reason!.ShouldContain("precondition not reached");
        VanishingClaim.Judge(Evidence(over, Run(TrainingOutcome.BudgetExhausted, 1e-4))).Reason!.ShouldContain("precondition not reached",
            customMessage: "a run that stopped on its budget did not reach the target, however small its last gradient");
        VanishingClaim.Judge(Evidence(over, null)).Verdict.ShouldBe(Verdict.Inconclusive, "an untrained pair has no small gradient");
        VanishingClaim.Judge(Evidence(over, Run(TrainingOutcome.Diverged)), VanishingCriteria.AtPaperBudget).Reason!.ShouldContain("precondition not reached");
        VanishingClaim.Judge(Evidence(over, null), VanishingCriteria.AtPaperBudget).Verdict.ShouldBe(Verdict.Holds, "without a gradient target nothing is required of training");

        var square = Report(new double[,] { { 0.99, 0.99 }, { 0.99, 0.99 } });
        VanishingClaim.Judge(Evidence(square, Run())).Reason.ShouldBe("hypothesis missed: the student is not over-realized");
        Should.Throw<ArgumentOutOfRangeException>(() => VanishingClaim.Judge(Evidence(over, Run()), new VanishingCriteria(FanOut: -0.01)));
        Should.Throw<ArgumentOutOfRangeException>(() => VanishingClaim.Judge(Evidence(over, Run()), new VanishingCriteria(FanOut: double.NaN)));
        VanishingClaim.Judge(Evidence(over, Run()), new VanishingCriteria(FanOut: 0)).Verdict.ShouldBe(Verdict.Holds, "a zero tolerance is allowed");
    }

    // ---- claim 2: the core argument ----

    /// <summary>
    /// Three teachers, two students. Teacher 0 is observed (obs at the minimum) with alpha just above
    /// the level and has an aligned student; teacher 1 is observed with a negative alpha (its size
    /// counts) and only a mirrored student; teacher 2 has alpha exactly at the level (not above it),
    /// so it misses the hypothesis.
    /// </summary>
    [Test]
    public void CoreArgument_JudgesExactlyTheTeachersThatMeetTheHypothesis()
    {
        var rho = new double[3, 2];
        var cos = new double[,] { { 0.951, 0.2 }, { 0.3, -0.96 }, { 0.1, 0.1 } };
        var obs = new[,] { { 1, 0 }, { 0, 5 }, { 9, 9 } };
        var alpha = new double[,] { { 2e-6, 0, 1e-6 }, { 0, -1, 1e-6 } }; // alpha[k, j]
        var e = Evidence(Report(rho, cos, observation: obs), Run(), alpha: alpha);

        var outcome = CoreArgumentClaim.Judge(e);

        outcome.Numbers.Teachers.ShouldBe(3);
        outcome.Numbers.TeachersMeetingHypothesis.ShouldBe(2, "obs >= 1 with |alpha| > 1e-6: teachers 0 and 1");
        outcome.Numbers.Judged.ShouldBe(2);
        outcome.Numbers.Aligned.ShouldBe(2, "teacher 0 at cos 0.951, teacher 1 by its mirror at -0.96");
        outcome.Verdict.ShouldBe(Verdict.Holds);

        var noMirror = CoreArgumentClaim.Judge(e, CoreArgumentCriteria.Paper with { AllowMirror = false });
        noMirror.Numbers.Aligned.ShouldBe(1);
        noMirror.Verdict.ShouldBe(Verdict.Fails);

        var everyTeacher = CoreArgumentClaim.Judge(e, CoreArgumentCriteria.Paper with { EnforceHypothesis = false });
        everyTeacher.Numbers.Judged.ShouldBe(3, "the negative control judges every teacher");
        everyTeacher.Verdict.ShouldBe(Verdict.Fails, "teacher 2 has no aligned student");

        var stricter = CoreArgumentClaim.Judge(e, CoreArgumentCriteria.Paper with { MinObservations = 2 });
        stricter.Numbers.TeachersMeetingHypothesis.ShouldBe(1, "teacher 0 is seen by one point only");
        CoreArgumentClaim.Judge(e, CoreArgumentCriteria.Paper with { AlignedCosine = 0.951 }).Numbers.Aligned.ShouldBe(1, "cos must exceed the level");
    }

    [Test]
    public void CoreArgument_IsInconclusive_WithoutTheGradientTargetOrAnyObservedTeacher()
    {
        var cos = new double[,] { { 0.99, 0.2 } };
        var seen = Evidence(Report(new double[1, 2], cos, observation: new[,] { { 3, 3 } }), Run(TrainingOutcome.BudgetExhausted), alpha: new double[,] { { 1 }, { 1 } });
        CoreArgumentClaim.Judge(seen).Reason!.ShouldStartWith("precondition not reached");
        CoreArgumentClaim.Judge(seen with { Training = null }).Reason!.ShouldStartWith("precondition not reached");
        CoreArgumentClaim.Judge(seen with { Training = Run() }).Verdict.ShouldBe(Verdict.Holds);

        var unseen = seen with { Training = Run(), Report = Report(new double[1, 2], cos, observation: new int[1, 2]) };
        var outcome = CoreArgumentClaim.Judge(unseen);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, "no teacher meets the hypothesis: no evidence either way");
        outcome.ConclusionObserved.ShouldBe(false, "an empty set of judged teachers is not a conclusion seen");

        Should.Throw<ArgumentOutOfRangeException>(() => CoreArgumentClaim.Judge(seen, CoreArgumentCriteria.Paper with { MinObservations = 0 }));
        Should.Throw<ArgumentException>(() => CoreArgumentClaim.Judge(seen with { Alpha = new double[2, 0] })).Message.ShouldContain("two-layer");
    }

    // ---- claim 1: lowest-layer specialization ----

    [Test]
    public void Specialization_NeedsCorrelationAndCosineAboveTheThreshold_OnTheSameStudent()
    {
        var rho = new double[,] { { 0.99, 0.2 }, { 0.99, 0.2 }, { 0.951, 0.2 } };
        var cos = new double[,] { { 0.2, 0.99 }, { 0.951, 0.2 }, { 0.99, 0.2 } };
        var report = Report(rho, cos);
        LowestLayerSpecializationClaim.MatchedTeachers(report, SpecializationCriteria.Paper)
            .ShouldBe([false, true, true], "teacher 0 has rho on one student and cos on the other: not matched");
        LowestLayerSpecializationClaim.MatchedTeachers(report, new SpecializationCriteria(Correlation: 0.951))
            .ShouldBe([false, true, false], "rho must exceed the threshold");
        LowestLayerSpecializationClaim.MatchedTeachers(report, new SpecializationCriteria(Cosine: 0.951))
            .ShouldBe([false, false, true], "cos must exceed the threshold");

        var mirror = Report(new double[,] { { -0.5, 0.1 }, { -0.5, 0.1 } }, new double[,] { { -0.951, 0.1 }, { -0.95, 0.1 } });
        LowestLayerSpecializationClaim.MatchedTeachers(mirror, SpecializationCriteria.UpToMirror).ShouldBe([true, false], "a mirror needs cos below -threshold");
        LowestLayerSpecializationClaim.MatchedTeachers(mirror, SpecializationCriteria.Paper).ShouldBe([false, false]);
    }

    [Test]
    public void Specialization_CountsMirrorMatchesApart_AndReportsTheWeakestTeacher()
    {
        var rho = new double[,] { { 0.99, 0.1 }, { -0.5, 0.1 } };
        var cos = new double[,] { { 0.98, 0.1 }, { -0.97, 0.3 } };
        var e = Evidence(Report(rho, cos), Run(gradient: 2e-3, steps: 1234));

        var outcome = LowestLayerSpecializationClaim.Judge(e, SpecializationCriteria.UpToMirror);
        outcome.Verdict.ShouldBe(Verdict.Holds);
        outcome.Numbers.Matched.ShouldBe(2);
        outcome.Numbers.MatchedOnlyByMirror.ShouldBe(1);
        outcome.Numbers.MinBestCorrelation.ShouldBe(0.1, "teacher 1's best rho");
        outcome.Numbers.MinBestCosine.ShouldBe(0.3);
        outcome.Numbers.MaxSampleGradient.ShouldBe(2e-3);
        outcome.Numbers.Steps.ShouldBe(1234);

        var paper = LowestLayerSpecializationClaim.Judge(e);
        paper.Numbers.MatchedOnlyByMirror.ShouldBe(0);
        paper.Numbers.Matched.ShouldBe(1);
        paper.Verdict.ShouldBe(Verdict.Fails);
        LowestLayerSpecializationClaim.Judge(e with { Training = null }).Numbers.Steps.ShouldBe(0);
    }

    [Test]
    public void Specialization_IsInconclusive_WithoutTheGradientTargetOrDataAcrossEveryBoundary()
    {
        var e = Evidence(Report(new double[,] { { 0.99 } }, new double[,] { { 0.99 } }), Run());
        LowestLayerSpecializationClaim.Judge(e).Verdict.ShouldBe(Verdict.Holds);
        LowestLayerSpecializationClaim.Judge(e with { Training = Run(TrainingOutcome.BudgetExhausted) }).Reason!.ShouldStartWith("precondition not reached");
        LowestLayerSpecializationClaim.Judge(e with { DataStraddles = [false] }).Reason!.ShouldContain("does not cross every teacher boundary");
        Should.Throw<ArgumentOutOfRangeException>(() => LowestLayerSpecializationClaim.Judge(e, new SpecializationCriteria(Correlation: 1)));
        Should.Throw<ArgumentOutOfRangeException>(() => LowestLayerSpecializationClaim.Judge(e, new SpecializationCriteria(Correlation: -1)));
        Should.Throw<ArgumentOutOfRangeException>(() => LowestLayerSpecializationClaim.Judge(e, new SpecializationCriteria(Cosine: 1)));
        Should.Throw<ArgumentOutOfRangeException>(() => LowestLayerSpecializationClaim.Judge(e, new SpecializationCriteria(Cosine: -1)));
        Should.Throw<ArgumentOutOfRangeException>(() => LowestLayerSpecializationClaim.Judge(e, new SpecializationCriteria(Cosine: double.NaN)));
        LowestLayerSpecializationClaim.Judge(e, new SpecializationCriteria(-0.99, -0.99)).Verdict.ShouldBe(Verdict.Holds, "thresholds inside (-1, 1) are valid");
    }

    // ---- the leaky observation, exact fit, independence ----

    [Test]
    public void LeakyObservation_CountsTheZeroEntries_AndNeedsALeakyStudentOnStraddlingData()
    {
        var obs = new[,] { { 1, 0, 4 }, { 2, 3, 0 } };
        var e = Evidence(Report(new double[2, 3], observation: obs), null, leaky: true);
        var outcome = LeakyObservationClaim.Judge(e);
        outcome.Numbers.ZeroEntries.ShouldBe(2);
        outcome.Numbers.Entries.ShouldBe(6);
        outcome.Verdict.ShouldBe(Verdict.Fails);
        LeakyObservationClaim.Judge(e with { Report = Report(new double[1, 1], observation: new[,] { { 1 } }) }).Verdict.ShouldBe(Verdict.Holds, "one point on the smaller side is an observation");
        LeakyObservationClaim.Judge(e with { StudentLeaky = false }).Reason.ShouldBe("hypothesis missed: the student is not leaky");
        LeakyObservationClaim.Judge(e with { DataStraddles = [true, false] }).Reason!.ShouldContain("does not straddle");
    }

    [Test]
    public void ExactFit_NeedsLossAndGradientBothAtMostTheZeroLevel()
    {
        ExactFitClaim.Judge(new ExactFitEvidence("c", 10, 1e-9, 1e-9), 1e-9).Verdict.ShouldBe(Verdict.Holds, "at the zero level is zero");
        ExactFitClaim.Judge(new ExactFitEvidence("c", 10, 2e-9, 0), 1e-9).Verdict.ShouldBe(Verdict.Fails, "loss above zero");
        ExactFitClaim.Judge(new ExactFitEvidence("c", 10, 0, 2e-9), 1e-9).Verdict.ShouldBe(Verdict.Fails, "gradient above zero");
        var n = ExactFitClaim.Judge(new ExactFitEvidence("c", 10, 3e-12, 4e-12), 1e-9).Numbers;
        (n.Loss, n.MaxSampleGradient, n.Zero).ShouldBe((3e-12, 4e-12, 1e-9));
        Should.Throw<ArgumentOutOfRangeException>(() => ExactFitClaim.Judge(new ExactFitEvidence("c", 10, 0, 0), 0));
    }

    [Test]
    public void Independence_ComparesTheSmallestSingularValueToTheLargest()
    {
        var full = IndependenceClaim.Judge(new IndependenceEvidence("c", 10, [4.0, 2.0, 1e-3]), 1e-4);
        full.Verdict.ShouldBe(Verdict.Holds);
        full.Numbers.SmallestSingularValue.ShouldBe(1e-3);
        full.Numbers.RelativeSmallestSingularValue.ShouldBe(2.5e-4, 1e-18, "smallest / largest");
        full.Numbers.RelativeRankLevel.ShouldBe(1e-4);
        IndependenceClaim.Judge(new IndependenceEvidence("c", 10, [4.0, 2.0, 4e-4]), 1e-4).Verdict.ShouldBe(Verdict.Fails, "a ratio at the level is not above it");
        IndependenceClaim.Judge(new IndependenceEvidence("c", 2, [4.0, 2.0, 1.0]), 1e-4).Reason!.ShouldContain("fewer samples than teacher nodes");
        IndependenceClaim.Judge(new IndependenceEvidence("c", 3, [4.0, 2.0, 1.0]), 1e-4).Verdict.ShouldBe(Verdict.Holds, "m samples can give rank m");
        Should.Throw<ArgumentOutOfRangeException>(() => IndependenceClaim.Judge(new IndependenceEvidence("c", 3, [1.0]), 0));
        Should.Throw<ArgumentOutOfRangeException>(() => IndependenceClaim.Judge(new IndependenceEvidence("c", 3, [1.0]), 1));
    }
}
