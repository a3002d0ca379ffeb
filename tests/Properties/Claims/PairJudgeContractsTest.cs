using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// The judges of claims 1, 2 and 4 and the mirror rule they share (<see cref="MirrorCheck"/>), read on
/// hand-built analysis records whose right verdict follows from each judge's doc comment: every
/// threshold on the side the statement puts it (strict or not), every hypothesis that turns a case
/// inconclusive, and the counts in the typed numbers. The claim tests judge trained pairs, which
/// rarely sit at a threshold; these pin the rules themselves (found by mutation testing, docs/dev/mutation.md).
/// </summary>
[TestFixture]
public sealed class PairJudgeContractsTest
{
    static TrainingResult Reached(double gradient = 1e-4, long steps = 500) => new(TrainingOutcome.ReachedGradientTarget, steps, 2, 1e-8, gradient, []);

    /// <summary>No mirror, nothing affine, residue 0, every node its own group with output equal to its fan-out.</summary>
    static CompensationReport NoMirrors(double[] fanOut) =>
        new(fanOut.Select(_ => -1).ToArray(), fanOut.Select(_ => double.NaN).ToArray(), new bool[fanOut.Length], 0, Enumerable.Range(0, fanOut.Length).ToArray(), fanOut.ToArray());

    /// <summary>Every (j, k) measured: one point, ratio 1, output ratio <paramref name="outputRatio"/>, cosine 1, no co-linear student.</summary>
    static JumpReport Jumps(int m, int n, double outputRatio = 0.0)
    {
        var ratio = new double[m, n];
        var output = new double[m, n];
        var cosine = new double[m, n];
        var points = new int[m, n];
        for (var j = 0; j < m; j++)
            for (var k = 0; k < n; k++) { ratio[j, k] = 1; output[j, k] = outputRatio; cosine[j, k] = 1; points[j, k] = 3; }
        return new JumpReport(ratio, output, cosine, points, new int[m]);
    }

    static int[,] Filled(int m, int n, int value)
    {
        var a = new int[m, n];
        for (var j = 0; j < m; j++) for (var k = 0; k < n; k++) a[j, k] = value;
        return a;
    }

    static double[,] Alpha(int n, int m, double value = 1)
    {
        var a = new double[n, m];
        for (var k = 0; k < n; k++) for (var j = 0; j < m; j++) a[k, j] = value;
        return a;
    }

    /// <summary>A two-layer record: m teachers (rows of rho), n students; every teacher boundary straddled and observed.</summary>
    static PairEvidence Record(double[,] rho, double[,] cos, double[]? studentFanOut = null, TrainingResult? training = null, CompensationReport? comp = null,
        JumpReport? jumps = null, bool[]? straddles = null, double[]? teacherFanOut = null, double[,]? alpha = null, int[,]? obs = null, bool[]? affine = null)
    {
        int m = rho.GetLength(0), n = rho.GetLength(1);
        var fanOut = studentFanOut ?? Enumerable.Repeat(1.0, n).ToArray();
        var report = new SpecializationReport(1, rho, cos, fanOut, teacherFanOut ?? Enumerable.Repeat(1.0, m).ToArray(), obs ?? Filled(m, n, 5));
        return new PairEvidence("case", report, alpha ?? Alpha(n, m), affine ?? new bool[n], comp ?? NoMirrors(fanOut), jumps ?? Jumps(m, n),
            false, straddles ?? Enumerable.Repeat(true, m).ToArray(), 100, training ?? Reached());
    }

    // ---- claim 1 ----

    [Test]
    public void Claim1_NeedsOneStudentAboveBothThresholdsForEachTeacher()
    {
        var holds = LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.99, 0.1 }, { 0.1, 0.97 } }, new[,] { { 0.98, 0.0 }, { 0.0, 0.96 } }));
        holds.Verdict.ShouldBe(Verdict.Holds);
        var n = holds.Numbers;
        (n.Teachers, n.Matched, n.MatchedOnlyByMirror, n.UnverifiedMirrors, n.Steps).ShouldBe((2, 2, 0, 0, 500L));
        (n.MinBestCorrelation, n.MinBestCosine, n.MaxSampleGradient, n.CompensationResidue).ShouldBe((0.97, 0.96, 1e-4, 0.0));

        var split = LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.99, 0.1 } }, new[,] { { 0.1, 0.99 } }));
        split.Verdict.ShouldBe(Verdict.Fails, "rho from one student and cos from another do not match a teacher");
        split.Numbers.Matched.ShouldBe(0);
        LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.95 } }, new[,] { { 0.99 } })).Verdict.ShouldBe(Verdict.Fails, "rho must exceed tau");
        LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.99 } }, new[,] { { 0.95 } })).Verdict.ShouldBe(Verdict.Fails, "cos must exceed tau");
        LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.99 }, { 0.2 } }, new[,] { { 0.99 }, { 0.2 } })).Numbers.Matched.ShouldBe(1);
    }

    [Test]
    public void Claim1_IsInconclusive_WithoutThePrecondition_OrDataThatCrossesEveryBoundary()
    {
        double[,] rho = { { 0.99 } }, cos = { { 0.99 } };
        var budget = LowestLayerSpecializationClaim.Judge(Record(rho, cos, training: new TrainingResult(TrainingOutcome.BudgetExhausted, 10, 1, 1e-3, 0.5, [])));
        budget.Verdict.ShouldBe(Verdict.Inconclusive);
        budget.Reason!.ShouldStartWith("precondition not reached");
        budget.ConclusionObserved.ShouldBe(true, "the conclusion is read whatever the precondition");
        var untrained = Record(rho, cos) with { Training = null };
        LowestLayerSpecializationClaim.Judge(untrained).Reason.ShouldBe("precondition not reached: untrained");
        var oneSided = LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.99 }, { 0.99 } }, new[,] { { 0.99 }, { 0.99 } }, straddles: [true, false]));
        oneSided.Verdict.ShouldBe(Verdict.Inconclusive);
        oneSided.Reason!.ShouldContain("does not cross every teacher boundary");
        LowestLayerSpecializationClaim.Judge(untrained, SpecializationCriteria.Hyperplane).Verdict.ShouldBe(Verdict.Inconclusive, "the hyperplane reading misses the precondition too");
    }

    /// <summary>
    /// A missed precondition is named by how it was missed, not by the case's own steps and losses (those are in the
    /// evidence), so a tally counts cases that missed it the same way once, with their number.
    /// </summary>
    [Test]
    public void AMissedPrecondition_IsOneReason_WhateverTheCasesNumbers()
    {
        double[,] rho = { { 0.99 } }, cos = { { 0.99 } };
        TrainingResult[] budgets = [new(TrainingOutcome.BudgetExhausted, 10, 1, 1e-3, 0.5, []), new(TrainingOutcome.BudgetExhausted, 40_083, 160, 8.8e-4, 0.29, []),
            new(TrainingOutcome.BudgetExhausted, 25_049, 100, 5.3e-6, 0.012, [])];
        var outcomes = budgets.Select(t => LowestLayerSpecializationClaim.Judge(Record(rho, cos, training: t))).ToList<ClaimOutcome>();
        outcomes.Select(o => o.Reason).Distinct().ShouldBe(["precondition not reached: the training budget ran out above the gradient target"]);
        outcomes.ShouldAllBe(o => o.Evidence.Contains("BudgetExhausted after"), "the case's own training numbers stay in its evidence");
        outcomes.Add(LowestLayerSpecializationClaim.Judge(Record(rho, cos, training: new TrainingResult(TrainingOutcome.Diverged, 3, 1, double.NaN, double.NaN, []))));
        outcomes.Add(CoreArgumentClaim.Judge(Record(rho, cos, training: budgets[1])));

        CaseTally.Summarize(LowestLayerSpecializationClaim.Info, outcomes, 1).Numbers.InconclusiveReasons.ShouldBe(
            ["4 x precondition not reached: the training budget ran out above the gradient target", "1 x precondition not reached: training diverged"],
            "claims 1 and 2 name a missed precondition the same way");
    }

    /// <summary>Student 1 mirrors teacher 0 (cos -0.99); teacher 1 is matched by student 0.</summary>
    static PairEvidence MirrorCase(double residue = 0.001, double mirrorFanOut = 0.8, double mirrorRho = 0.99)
    {
        var fanOut = new[] { 1.0, mirrorFanOut };
        var comp = NoMirrors(fanOut) with { MirroredTeacher = [-1, 0], MirrorCorrelation = [double.NaN, mirrorRho], Residue = residue };
        return Record(new[,] { { 0.1, -0.99 }, { 0.99, 0.0 } }, new[,] { { 0.0, -0.99 }, { 0.99, 0.0 } }, fanOut, comp: comp);
    }

    [Test]
    public void AMirror_StandsInForItsTeacher_OnlyWhenVerified()
    {
        MirrorCheck.VerifiedMirrors(MirrorCase(), 0, 0.95).ShouldBe([1]);
        MirrorCheck.VerifiedMirrors(MirrorCase(), 1, 0.95).ShouldBeEmpty("it mirrors teacher 0 only");
        MirrorCheck.VerifiedMirrors(MirrorCase(residue: MirrorCheck.MaxResidue), 0, 0.95).ShouldBe([1], "a residue at the tolerance is within it");
        MirrorCheck.VerifiedMirrors(MirrorCase(residue: 0.011), 0, 0.95).ShouldBeEmpty("a linear term left uncancelled");
        MirrorCheck.VerifiedMirrors(MirrorCase(residue: double.NaN), 0, 0.95).ShouldBeEmpty("an unmeasured residue verifies nothing");
        MirrorCheck.VerifiedMirrors(MirrorCase(mirrorFanOut: MirrorCheck.MinFanOut), 0, 0.95).ShouldBeEmpty("a node at the vanishing level stands in for nothing");
        MirrorCheck.VerifiedMirrors(MirrorCase(mirrorRho: 0.95), 0, 0.95).ShouldBeEmpty("the rewritten node must correlate above tau");
        MirrorCheck.VerifiedMirrors(MirrorCase() with { Compensation = null }, 0, 0.95).ShouldBeEmpty("no compensation report, no verified mirror");

        MirrorCheck.Describe(MirrorCase(), 0.95).ShouldContain("node 1 mirrors teacher 0");
        MirrorCheck.Describe(MirrorCase(), 0.95).ShouldContain(", verified)");
        MirrorCheck.Describe(MirrorCase(residue: 0.5), 0.95).ShouldContain(", not verified)");
        MirrorCheck.Describe(Record(new[,] { { 0.99 } }, new[,] { { 0.99 } }), 0.95).ShouldBe("no mirrored node");
        MirrorCheck.Describe(MirrorCase() with { Compensation = null }, 0.95).ShouldBe("no mirrored node");
    }

    [Test]
    public void Claim1_CreditsAVerifiedMirror_OnlyUnderTheHyperplaneReading()
    {
        var credited = LowestLayerSpecializationClaim.Judge(MirrorCase(), SpecializationCriteria.Hyperplane);
        credited.Verdict.ShouldBe(Verdict.Holds);
        (credited.Numbers.Matched, credited.Numbers.MatchedOnlyByMirror, credited.Numbers.UnverifiedMirrors).ShouldBe((2, 1, 0));
        credited.Numbers.CompensationResidue.ShouldBe(0.001);

        var paper = LowestLayerSpecializationClaim.Judge(MirrorCase(), SpecializationCriteria.Paper);
        paper.Verdict.ShouldBe(Verdict.Fails, "the paper's reading gives a mirror no credit");
        paper.Numbers.MatchedOnlyByMirror.ShouldBe(0);

        var unverified = LowestLayerSpecializationClaim.Judge(MirrorCase(residue: 0.5), SpecializationCriteria.Hyperplane);
        unverified.Verdict.ShouldBe(Verdict.Fails);
        unverified.Numbers.UnverifiedMirrors.ShouldBe(1);
        foreach (var reading in new[] { SpecializationCriteria.Hyperplane, SpecializationCriteria.Paper })
            LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.99 } }, new[,] { { 0.99 } }), reading).Verdict
                .ShouldBe(Verdict.Holds, "matched without a mirror: both readings hold");
    }

    [TestCase(1.0, 0.5)]
    [TestCase(-1.0, 0.5)]
    [TestCase(0.5, 1.0)]
    [TestCase(0.5, -1.0)]
    public void SpecializationThresholds_MustLieStrictlyBetweenMinusOneAndOne(double correlation, double cosine)
    {
        var error = Should.Throw<ArgumentOutOfRangeException>(() => new SpecializationCriteria(correlation, cosine).Validate());
        error.Message.ShouldContain(Math.Abs(correlation) == 1 ? "Correlation threshold must lie in (-1, 1)" : "Cosine threshold must lie in (-1, 1)");
        Should.Throw<ArgumentOutOfRangeException>(() => LowestLayerSpecializationClaim.Judge(Record(new[,] { { 0.99 } }, new[,] { { 0.99 } }), new SpecializationCriteria(correlation, cosine)));
    }

    // ---- claim 2 ----

    [Test]
    public void Claim2_NeedsEveryObservedTeacherAligned_AndEveryMeasuredJumpCancelled()
    {
        double[,] rho = { { 0.99, 0.3 }, { 0.2, 0.98 } }, cos = { { 0.99, 0.3 }, { 0.2, 0.97 } };
        var holds = CoreArgumentClaim.Judge(Record(rho, cos, jumps: Jumps(2, 2, outputRatio: CoreArgumentCriteria.CancelledJump)));
        holds.Verdict.ShouldBe(Verdict.Holds, "a jump at the tolerance counts as cancelled");
        var n = holds.Numbers;
        (n.Teachers, n.TeachersMeetingHypothesis, n.Judged, n.Aligned, n.MeasuredJumps, n.UncancellablePairs).ShouldBe((2, 2, 2, 2, 4, 4));
        (n.MaxJumpRatio, n.StatementError, n.MaxSampleGradient).ShouldBe((0.1, 0.0, 1e-4));

        CoreArgumentClaim.Judge(Record(rho, cos, jumps: Jumps(2, 2, outputRatio: 0.11))).Verdict.ShouldBe(Verdict.Fails, "a jump above 10% is not cancelled");
        CoreArgumentClaim.Judge(Record(rho, new[,] { { 0.99, 0.3 }, { 0.2, 0.95 } })).Verdict.ShouldBe(Verdict.Fails, "cos exactly tau is not aligned");
        CoreArgumentClaim.Judge(Record(rho, cos, jumps: Jumps(2, 2, 0.5)), CoreArgumentCriteria.Paper with { MaxJumpRatio = 0.5 }).Verdict.ShouldBe(Verdict.Holds);
    }

    [Test]
    public void Claim2_JudgesOnlyTeachersObservedInsideSomeStudentsRegion_WithNonZeroAlpha_AndAMeasuredJump()
    {
        double[,] rho = { { 0.99, 0.3 }, { 0.2, 0.3 } }, cos = { { 0.99, 0.3 }, { 0.2, 0.3 } };   // teacher 1 has no aligned student
        var unobserved = new[,] { { 5, 5 }, { 0, 0 } };
        var judged = CoreArgumentClaim.Judge(Record(rho, cos, obs: unobserved));
        judged.Verdict.ShouldBe(Verdict.Holds, "teacher 1 is never observed, so it is not judged");
        (judged.Numbers.TeachersMeetingHypothesis, judged.Numbers.Judged, judged.Numbers.MeasuredJumps).ShouldBe((1, 1, 2));
        CoreArgumentClaim.Judge(Record(rho, cos, obs: unobserved), CoreArgumentCriteria.Paper with { EnforceHypothesis = false }).Verdict
            .ShouldBe(Verdict.Fails, "the negative control judges every teacher");
        CoreArgumentClaim.Judge(Record(rho, cos, obs: unobserved), CoreArgumentCriteria.Paper with { MinObservations = 6 }).Verdict
            .ShouldBe(Verdict.Inconclusive, "5 observations do not reach 6");
        CoreArgumentClaim.Judge(Record(rho, cos, obs: new[,] { { 5, 5 }, { 1, 1 } })).Verdict.ShouldBe(Verdict.Fails, "one observation is enough");

        var alpha = new[,] { { 1.0, 1e-6 }, { 1.0, -1e-6 } };   // alpha_k1 at the level: not non-zero
        CoreArgumentClaim.Judge(Record(rho, cos, alpha: alpha)).Numbers.Judged.ShouldBe(1);
        CoreArgumentClaim.Judge(Record(rho, cos, alpha: new[,] { { 1.0, 2e-6 }, { 1.0, -2e-6 } })).Numbers.Judged.ShouldBe(2, "|alpha| above the level, either sign");

        var noPoints = Jumps(2, 2) with { Points = new[,] { { 3, 3 }, { 0, 0 } } };
        CoreArgumentClaim.Judge(Record(rho, cos, jumps: noPoints)).Numbers.Judged.ShouldBe(1, "a jump never measured does not judge the teacher");

        var none = CoreArgumentClaim.Judge(Record(rho, cos, obs: Filled(2, 2, 0)));
        none.Verdict.ShouldBe(Verdict.Inconclusive);
        none.Reason!.ShouldContain("hypothesis missed by every teacher node");
        none.ConclusionObserved.ShouldBe(false, "nothing judged, nothing concluded");
        double.IsNaN(none.Numbers.MaxJumpRatio).ShouldBeTrue("no measured jump");
    }

    [Test]
    public void Claim2_MeasuresTheStatementOnlyWhereNoStudentIsCoLinear()
    {
        double[,] rho = { { 0.99, 0.3 }, { 0.2, 0.98 } }, cos = { { 0.99, 0.3 }, { 0.2, 0.97 } };
        var jumps = Jumps(2, 2) with
        {
            Ratio = new[,] { { 1.2, 0.9 }, { 5.0, 5.0 } },
            Cosine = new[,] { { 0.7, 1.0 }, { -1.0, -1.0 } },
            ColinearStudents = [0, 1],
        };
        var n = CoreArgumentClaim.Judge(Record(rho, cos, jumps: jumps)).Numbers;
        n.UncancellablePairs.ShouldBe(2, "teacher 1 has a co-linear student");
        n.StatementError.ShouldBe(0.3, 1e-12, "max over teacher 0's pairs of max(|ratio - 1|, 1 - cos): max(0.2, 0.3) and max(0.1, 0)");
    }

    [Test]
    public void Claim2_RefusesWhatIsNotATwoLayerRecord_AndIsInconclusiveWithoutThePrecondition()
    {
        double[,] rho = { { 0.99 } }, cos = { { 0.99 } };
        Should.Throw<ArgumentOutOfRangeException>(() => CoreArgumentClaim.Judge(Record(rho, cos), CoreArgumentCriteria.Paper with { MinObservations = 0 }))
            .Message.ShouldContain("Observations must be >= 1");
        CoreArgumentClaim.Judge(Record(rho, cos), CoreArgumentCriteria.Paper with { MinObservations = 1 }).Verdict.ShouldBe(Verdict.Holds);
        Should.Throw<ArgumentException>(() => CoreArgumentClaim.Judge(Record(rho, cos) with { Jumps = null })).Message.ShouldContain("two-layer statement");
        Should.Throw<ArgumentException>(() => CoreArgumentClaim.Judge(Record(rho, cos) with { Alpha = new double[1, 0] })).Message.ShouldContain("two-layer statement");

        var budget = CoreArgumentClaim.Judge(Record(rho, cos, training: new TrainingResult(TrainingOutcome.BudgetExhausted, 10, 1, 1e-3, 0.5, [])));
        budget.Verdict.ShouldBe(Verdict.Inconclusive);
        budget.Reason!.ShouldStartWith("precondition not reached");
        CoreArgumentClaim.Judge(Record(rho, cos, training: new TrainingResult(TrainingOutcome.BudgetExhausted, 10, 1, 1e-3, 0.5, [])), CoreArgumentCriteria.Paper)
            .Verdict.ShouldBe(Verdict.Inconclusive, "the paper's reading misses the precondition too");
        CoreArgumentClaim.Judge(Record(rho, cos) with { Training = null }).Reason.ShouldBe("precondition not reached: untrained");
    }

    [Test]
    public void Claim2_CreditsAVerifiedMirror_OnlyWhenAllowed()
    {
        var credited = CoreArgumentClaim.Judge(MirrorCase());
        credited.Verdict.ShouldBe(Verdict.Holds, "the mirror's kink lies on teacher 0's boundary");
        credited.Numbers.Aligned.ShouldBe(2);
        CoreArgumentClaim.Judge(MirrorCase(), CoreArgumentCriteria.Paper).Verdict.ShouldBe(Verdict.Fails, "the paper's reading gives a mirror no credit");
        CoreArgumentClaim.Judge(MirrorCase(residue: 0.5)).Verdict.ShouldBe(Verdict.Fails, "an unverified mirror aligns nothing");
        CoreArgumentClaim.Judge(Record(new[,] { { 0.99 } }, new[,] { { 0.99 } }), CoreArgumentCriteria.Paper).Verdict.ShouldBe(Verdict.Holds);
        CoreArgumentClaim.Judge(Record(new[,] { { 0.99 } }, new[,] { { 0.99 } }, jumps: Jumps(1, 1, 0.5)), CoreArgumentCriteria.Paper).Verdict
            .ShouldBe(Verdict.Fails, "aligned but not cancelled fails under the paper's reading too");
    }

    // ---- claim 4 ----

    /// <summary>A gradient below claim 4's level.</summary>
    static readonly double Below = VanishingCriteria.SmallGradient / 2;

    /// <summary>One teacher, four students: specialized, vanished, and two that are neither unless excused.</summary>
    static PairEvidence Students(double[] fanOut, CompensationReport? comp = null, TrainingResult? training = null, double[]? bestRho = null)
    {
        var r = bestRho ?? [0.99, 0.2, 0.2, 0.2];
        var rho = new double[1, r.Length];
        for (var k = 0; k < r.Length; k++) rho[0, k] = r[k];
        return Record(rho, new double[1, r.Length], fanOut, training ?? Reached(Below), comp ?? NoMirrors(fanOut), teacherFanOut: [2.0]);
    }

    [Test]
    public void Claim4_EveryNodeSpecializesOrVanishes()
    {
        var holds = VanishingClaim.Judge(Students([3, 0.05, 0.0, 0.01]));
        holds.Verdict.ShouldBe(Verdict.Holds, "a fan-out at the tolerance has vanished");
        var n = holds.Numbers;
        (n.Students, n.Specialized, n.Vanished, n.Neither, n.MirrorsOfATeacher, n.AffineOnTheData, n.CancelledInColinearGroups).ShouldBe((4, 1, 3, 0, 0, 0, 0));
        (n.FanOutTolerance, n.NeitherShare, n.LargestOffendingFanOut, n.MaxSampleGradient, n.CompensationResidue).ShouldBe((0.05, 0.0, 0.0, Below, 0.0));

        var fails = VanishingClaim.Judge(Students([3, 0.3, 0.06, 0.01], comp: NoMirrors([3, 0.3, 0.06, 0.01]) with { GroupOutput = [3, 0.3, 0.06, 0.01] }));
        fails.Verdict.ShouldBe(Verdict.Fails);
        (fails.Numbers.Neither, fails.Numbers.NeitherShare, fails.Numbers.LargestOffendingFanOut).ShouldBe((2, 0.5, 0.3));
        VanishingClaim.Judge(Students([3, 1, 1, 1], bestRho: [0.99, 0.96, 0.951, 0.97])).Numbers.Specialized.ShouldBe(4);
        VanishingClaim.Judge(Students([3, 1, 0, 0], bestRho: [0.99, 0.95, 0.2, 0.2])).Numbers.Neither.ShouldBe(1, "rho exactly tau is not specialized");
    }

    [Test]
    public void Claim4_ExcusesAffineNodesOnlyAsACompensatingGroup_AndCancelledCoLinearGroups()
    {
        var fanOut = new[] { 3.0, 0.5, 0.5, 0.0 };
        var affine = NoMirrors(fanOut) with { AffineOnData = [false, true, true, false], Residue = MirrorCheck.MaxResidue };
        var excused = VanishingClaim.Judge(Students(fanOut, affine));
        excused.Verdict.ShouldBe(Verdict.Holds);
        excused.Numbers.AffineOnTheData.ShouldBe(2);
        VanishingClaim.Judge(Students(fanOut, affine with { Residue = 0.02 })).Numbers.Neither.ShouldBe(2, "a combined map that is not constant excuses nobody");

        var cancelled = NoMirrors(fanOut) with { GroupOutput = [3.0, 0.05, 0.04, 0.0] };
        var groups = VanishingClaim.Judge(Students(fanOut, cancelled));
        groups.Numbers.CancelledInColinearGroups.ShouldBe(2, "a group's output at or below the tolerance has cancelled");
        groups.Verdict.ShouldBe(Verdict.Holds);
        VanishingClaim.Judge(Students(fanOut, cancelled with { GroupOutput = [3.0, 0.051, 0.0, 0.0] })).Numbers.Neither.ShouldBe(1);

        var noComp = Students(fanOut) with { Compensation = null, AffineStudents = [false, true, true, false] };
        VanishingClaim.Judge(noComp).Numbers.Neither.ShouldBe(2, "without a compensation report nothing is excused");
    }

    [Test]
    public void Claim4_CreditsAVerifiedMirror_OnlyWhenAllowed()
    {
        var fanOut = new[] { 3.0, 0.8, 0.0, 0.0 };
        var comp = NoMirrors(fanOut) with { MirroredTeacher = [-1, 0, -1, -1], MirrorCorrelation = [double.NaN, 0.99, double.NaN, double.NaN], Residue = 0.001 };
        var allowed = VanishingClaim.Judge(Students(fanOut, comp), VanishingCriteria.AtSmallGradient with { AllowMirror = true });
        allowed.Verdict.ShouldBe(Verdict.Holds);
        allowed.Numbers.MirrorsOfATeacher.ShouldBe(1);
        var noMirrors = VanishingClaim.Judge(Students(fanOut, comp));
        noMirrors.Verdict.ShouldBe(Verdict.Fails, "without mirror credit the mirror is a node with fan-out");
        noMirrors.Numbers.MirrorsOfATeacher.ShouldBe(0);
        VanishingClaim.Judge(Students(fanOut, comp), VanishingCriteria.PaperAtSmallGradient).Verdict.ShouldBe(Verdict.Fails, "the paper's reading credits no mirror");
        VanishingClaim.Judge(Students(fanOut, comp with { Residue = 0.5 }), VanishingCriteria.AtSmallGradient with { AllowMirror = true }).Numbers.MirrorsOfATeacher.ShouldBe(0);
    }

    [Test]
    public void Claim4_ReadsTheToleranceRelativeToTheTeacher_AndAllowsAShareOfNodesWhereTheFigureDoes()
    {
        var budget = new TrainingResult(TrainingOutcome.BudgetExhausted, Verify.Model.Rules.LShapePaperSteps, 100, 1e-3, 0.5, []);
        var figure = VanishingClaim.Judge(Students([3, 0.2, 0.0, 0.0], training: budget), VanishingCriteria.AtPaperBudget);
        figure.Numbers.FanOutTolerance.ShouldBe(0.2, 1e-15, "0.1 x the teacher's largest fan-out 2");
        figure.Numbers.Vanished.ShouldBe(3);
        figure.Verdict.ShouldBe(Verdict.Holds, "the paper's budget needs no gradient target");
        var tenPercent = new double[10];
        tenPercent[0] = 3; tenPercent[1] = 1;
        var share = VanishingClaim.Judge(Students(tenPercent, training: budget, bestRho: [0.99, .. Enumerable.Repeat(0.2, 9)]), VanishingCriteria.AtPaperBudget);
        (share.Numbers.Neither, share.Numbers.NeitherShare).ShouldBe((1, 0.1));
        share.Verdict.ShouldBe(Verdict.Holds, "10% of the nodes left over is within the figure's allowance");
        VanishingClaim.Judge(Students([3, 1, 0, 0], training: budget), VanishingCriteria.AtPaperBudget).Verdict.ShouldBe(Verdict.Fails, "25% is not");

        var shortRun = VanishingClaim.Judge(Students([3, 0.2, 0.0, 0.0], training: budget with { Steps = Verify.Model.Rules.LShapePaperSteps - 1 }), VanishingCriteria.AtPaperBudget);
        shortRun.Verdict.ShouldBe(Verdict.Inconclusive, "one step short of the protocol's end");
        shortRun.Reason!.ShouldStartWith("precondition not reached: the protocol ends after 100000 steps");
        shortRun.ConclusionObserved.ShouldBe(true, "the conclusion is read whatever the precondition");
        var diverged = VanishingClaim.Judge(Students([3, 0, 0, 0], training: budget with { Outcome = TrainingOutcome.Diverged }), VanishingCriteria.AtPaperBudget);
        diverged.Verdict.ShouldBe(Verdict.Inconclusive);
        diverged.Reason!.ShouldStartWith("precondition not reached");
        Should.Throw<ArgumentOutOfRangeException>(() => VanishingClaim.Judge(Students([3, 0, 0, 0]), VanishingCriteria.AtSmallGradient with { FanOut = -0.01 }))
            .Message.ShouldContain("Fan-out tolerance must be >= 0");
        VanishingClaim.Judge(Students([3, 0, 0, 0]), VanishingCriteria.AtSmallGradient with { FanOut = 0 }).Verdict.ShouldBe(Verdict.Holds, "a zero tolerance is allowed");
    }

    [Test]
    public void Claim4_IsInconclusive_ForAStudentThatIsNotOverRealized_OrAboveTheGradientLevel()
    {
        var square = Record(new[,] { { 0.99, 0.2 }, { 0.2, 0.99 } }, new double[2, 2]);
        var notOver = VanishingClaim.Judge(square);
        notOver.Verdict.ShouldBe(Verdict.Inconclusive);
        notOver.Reason!.ShouldContain("not over-realized");

        VanishingClaim.Judge(Students([3, 0, 0, 0], training: Reached(VanishingCriteria.SmallGradient))).Verdict.ShouldBe(Verdict.Holds, "at the level is small enough");
        var above = VanishingClaim.Judge(Students([3, 0, 0, 0], training: Reached(1.1 * VanishingCriteria.SmallGradient)));
        above.Verdict.ShouldBe(Verdict.Inconclusive, "a run that stopped at a looser target has not reached claim 4's level");
        above.Reason!.ShouldStartWith("precondition not reached");
        VanishingClaim.Judge(Students([3, 0, 0, 0], training: new TrainingResult(TrainingOutcome.BudgetExhausted, 10, 1, 1e-3, 1e-5, []))).Verdict
            .ShouldBe(Verdict.Inconclusive, "the run must have stopped at its target");
        VanishingClaim.Judge(Students([3, 0, 0, 0]), info: VanishingClaim.LShape).Claim.ShouldBe(VanishingClaim.LShape);
    }
}
