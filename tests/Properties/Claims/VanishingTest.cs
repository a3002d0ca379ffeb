using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Protocols;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 4: at a small-gradient point every student node either specializes (best rho &gt; 0.95) or
/// has fan-out norm near zero (the L-shape); exact for leaky ReLU. Judged on fresh leaky cases (at
/// least 16 conclusive); the paper-budget reading of the same judge is the L-shape experiment
/// (tests/Experiments). Negative control: with a linear activation, zero gradient leaves
/// un-specialized nodes with large fan-out.
/// </summary>
[TestFixture]
public sealed class VanishingTest
{
    /// <summary>The level the pinned cases below were found at (1e-3, claim 4's level until 27 Nov 2026; since then 3e-4).</summary>
    static readonly SgdOptions Budget = ClaimBuilders.FullBatch(epochs: 100, target: 1e-3);

    /// <summary>
    /// The judge of the fresh cases, the hyperplane reading (verified mirrors credited), at the gradient the pinned
    /// cases here were found at: the descent target 3e-4 (the fresh cases are finished to 1e-6 first). Every control here goes through it.
    /// </summary>
    static readonly VanishingCriteria Judge = new TheoremCheckSettings().Vanishing(Reading.Hyperplane) with { MaxGradient = VanishingCriteria.SmallGradient };

    /// <summary>The paper's reading of the same claim (aligned or ~0 fan-out, nothing else credited), at the same level.</summary>
    static readonly VanishingCriteria PaperJudge = new TheoremCheckSettings().Vanishing(Reading.Paper) with { MaxGradient = VanishingCriteria.SmallGradient };

    /// <summary>The judge of the fresh cases at 1e-3, the level claim 4 was read at until 27 Nov 2026: the level the cases pinned then were found at.</summary>
    static readonly VanishingCriteria AtTheLevelItWasFoundAt = Judge with { MaxGradient = 1e-3 };

    /// <summary>
    /// The fresh leaky cases of the run. Run seed 571234412 drew a case at gradient 9.3e-4 with a node
    /// grazing the data (case seed 4399169305632296614); judged by the combined map of the nodes affine on
    /// the data it holds (<see cref="TwoNodesAffineOnTheData_CancelAsAGroup_At1e3"/>). Run seeds 785457736
    /// and 712211811 drew a case that failed on a misread mirror, now a regression case
    /// (<see cref="NodesAlignedWithNearMirrorTeachers_AreNotMirrors"/>).
    /// </summary>
    [TestCaseSource(typeof(ClaimRuns), nameof(ClaimRuns.FamiliesLeaky))]
    [Judges("unspecialized-students-vanish.leaky.base.hyperplane"), Judges("unspecialized-students-vanish.leaky.decay.hyperplane")]
    [Judges("unspecialized-students-vanish.leaky.sgd.hyperplane")]
    public void EveryStudentNodeSpecializesOrVanishes(string activation, string family)
    {
        var claim = ClaimRuns.Claim(VanishingClaim.Info, activation, family);
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, claim, ClaimRuns.TwoLayerJudge(claim));
    }

    [TestCaseSource(typeof(ClaimRuns), nameof(ClaimRuns.FamiliesLeaky)), Category("Nightly")]
    public void EveryStudentNodeSpecializesOrVanishes_Nightly(string activation, string family)
    {
        var claim = ClaimRuns.Claim(VanishingClaim.Info, activation, family);
        ClaimRuns.ShouldHold(ClaimRuns.FreshNightly, claim, ClaimRuns.TwoLayerJudge(claim, ClaimRuns.NightlySettings));
    }

    /// <summary>
    /// Regression case found by the generated leaky property (replay (20260327,1), first report: "4
    /// specialized, 0 vanished, 0 dead, 2 neither (largest such ||v|| = 0.286)"; gradient 0.0028, and
    /// the two nodes kept ||v|| 0.27 and 0.29 down to gradient 1e-4), pinned with its stream seeds.
    /// The two nodes are co-linear with each other (cosine 0.9996) with opposite fan-outs: together
    /// they compute zero. Read node by node the L-shape fails; per group of co-linear nodes it holds.
    /// </summary>
    [Test]
    public void CancellingColinearPair_KeepsFanOutButComputesNothing()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(TeacherSpec.TwoLayer(4, 3, decay: 0.5, outputs: 5, activation: Activation.LeakyRelu(0.1)), 2, 200,
            CaseStreams.Pinned(210206, 210207, 210208, 210209), Budget);

        var outcome = VanishingClaim.Judge(pair.Evidence(), AtTheLevelItWasFoundAt);
        TestContext.Out.WriteLine(outcome);
        var report = Specialization.Analyze(pair.Teacher, pair.Student, pair.Data.Inputs);
        var unspecializedFanOuts = report.StudentFanOutNorms
            .Where((_, k) => report.BestCorrelationPerStudent[k] <= Tolerances.SpecializationCorrelation).ToArray();

        pair.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, pair.Training.ToString());
        unspecializedFanOuts.ShouldAllBe(v => v > Tolerances.VanishedFanOut, $"node by node, the un-specialized fan-outs do not vanish: {Numerics.Describe(unspecializedFanOuts)}");
        outcome.Numbers.CancelledInColinearGroups.ShouldBe(2, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// Regression case found by the report's checks (seed 4, leaky ReLU, d 3, m 2, multi 2), pinned
    /// with its stream seeds: at gradient 1e-3 student node 0 is the mirror of a specialized node
    /// (cosine -1.000) and keeps ||v|| = 0.09 (still 0.09 at gradient 1e-4). Read strictly the vanishing
    /// claim fails there. The mirror is verified: node 3 is affine on the data and cancels its linear
    /// term (compensation residue 1.2e-4 of the teacher's output spread), so mirror-aware it holds.
    /// </summary>
    [Test]
    public void AMirrorOfASpecializedNode_KeepsItsFanOut()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(new TeacherSpec(3, [2], 5, Activation.LeakyRelu(0.1), 0), 2, 200, CaseStreams.Pinned(4, 5, 6, 7), Budget);

        var mirrorAware = VanishingClaim.Judge(pair.Evidence(), AtTheLevelItWasFoundAt);
        TestContext.Out.WriteLine(mirrorAware);

        VanishingClaim.Judge(pair.Evidence(), PaperJudge with { MaxGradient = 1e-3 }).Verdict.ShouldBe(Verdict.Fails, mirrorAware.ToString());
        mirrorAware.Numbers.MirrorsOfATeacher.ShouldBe(1, mirrorAware.ToString());
        mirrorAware.Numbers.CompensationResidue.ShouldBeLessThanOrEqualTo(MirrorCheck.MaxResidue, mirrorAware.ToString());
        mirrorAware.Verdict.ShouldBe(Verdict.Holds, mirrorAware.ToString());
    }

    /// <summary>
    /// Regression case found by a fresh draw (run seed 571234412, first report: "5 specialized, 0
    /// vanished, 0 affine on the data, 1 neither (largest such ||v|| = 0.566); (best rho, ||v||) of the
    /// sixth node (-0.447, 0.566); ReachedGradientTarget after 2250 steps, max per-sample gradient
    /// 0.00248"). At 3e-3 the node's boundary still cuts a few data points; trained on to 1e-3 it
    /// leaves the data (one-signed on every input, affine there, the argument does not reach it) and
    /// the claim holds. So claim 4 was moved to 1e-3. With "affine on the data" read at the compensation
    /// tolerance (issue 11) the node already counts at 3e-3: its output is within 1% of the teacher's
    /// spread of its linear extension, and the group's combined map is constant to 4e-4.
    /// </summary>
    [Test]
    public void ANodeLeavingTheData_IsAffineWithinTheTolerance_At3e3()
    {
        var p = new SmallProblem(4, [3], 0.1, 0.5, 2, 200, 8606828402875332741);
        using var scope = NewDisposeScope();
        using var early = p.Train(ClaimBuilders.FullBatch(epochs: 100, target: 3e-3));
        using var later = p.Train(Budget);
        var atEarly = VanishingClaim.Judge(early.Evidence(), VanishingCriteria.AtSmallGradient with { MaxGradient = 3e-3 });
        var atLater = VanishingClaim.Judge(later.Evidence(), VanishingCriteria.AtSmallGradient with { MaxGradient = 1e-3 });
        TestContext.Out.WriteLine(atEarly);
        TestContext.Out.WriteLine(atLater);

        atEarly.Numbers.AffineOnTheData.ShouldBe(1, atEarly.ToString());
        atEarly.Verdict.ShouldBe(Verdict.Holds, atEarly.ToString());
        atLater.Numbers.AffineOnTheData.ShouldBe(1, atLater.ToString());
        atLater.Verdict.ShouldBe(Verdict.Holds, atLater.ToString());
    }

    /// <summary>
    /// The open counterexample of the first fresh draws (run seed 571234412; leaky, d 4, m 3, decay 0,
    /// multi 2, case seed 4399169305632296614): at gradient 9.3e-4 two nodes neither specialized (best
    /// rho 0.32, 0.05) nor vanished (||v|| 0.64, 0.20). Node 0 is one-signed on the data; node 2 (rho
    /// 0.05, ||v|| 0.199, orthogonal to every teacher: |cos| &lt;= 0.12) grazes it, affine there within the
    /// tolerance; together their combined map is constant to 5.9e-4: the claim holds. (Read with "affine"
    /// as one-signed on every input, node 2 failed the claim at 9.3e-4.) Trained on
    /// (<see cref="ANodeLeavingTheData_Later_At3e4"/>) node 2 leaves the data at gradient 3e-4 (80,000
    /// steps), its fan-out stays 0.19, and nodes 0 and 2 together are constant on the data (residue
    /// 2.4e-4; 1.1e-4 at 1.5e-4, 5.6e-5 at 9.4e-5): the claim holds. The same kind as
    /// <see cref="ANodeLeavingTheData_IsAffineWithinTheTolerance_At3e3"/>: a precondition not reached at 1e-3, not
    /// a counterexample to the judged reading. Against the paper's words ("exactly zero fan-out for
    /// leaky ReLU at a zero-gradient point") the two affine nodes keep fan-out 0.64 and 0.19 at gradient
    /// 9.4e-5 and loss 8e-10: finite data leaves them a flat direction the argument (a kink observed
    /// in the data) does not reach.
    /// </summary>
    [Test]
    public void TwoNodesAffineOnTheData_CancelAsAGroup_At1e3()
    {
        var p = new SmallProblem(4, [3], 0.1, 0, 2, 200, 4399169305632296614);
        using var scope = NewDisposeScope();
        using var trained = p.Train(Budget);
        var outcome = VanishingClaim.Judge(trained.Evidence(), AtTheLevelItWasFoundAt);
        TestContext.Out.WriteLine(outcome);

        outcome.Numbers.AffineOnTheData.ShouldBe(2, outcome.ToString());
        outcome.Numbers.CompensationResidue.ShouldBeLessThanOrEqualTo(MirrorCheck.MaxResidue, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// Drawn by run seed 785457736 (VERIFY_SEED=785457736): d 3, m 3, leaky 0.1, p 0.5, multi 2, 200
    /// Gaussian points; at gradient 9.5e-4 (loss 1.5e-7) it failed claim 4 with node 2 (best rho 0.81, fan-out
    /// 0.63, |w| 0.14) counted against it. Teachers 1 and 2 are near mirrors of each other (cos -0.953), so
    /// the four nodes aligned with them (cos 1.000) also sat below -0.95 to the other one and were read as its
    /// mirrors; their "linear terms" made the combined map 1.24, and node 2, affine on the data, was not
    /// excused. A node aligned with a teacher more closely than it mirrors another is that teacher's node, not the
    /// other's mirror (<see cref="Verify.Model.Analysis.Compensation"/>): with no mirror, the combined map is node 2's
    /// output alone, constant on the data to 1.5e-3 of the teacher's spread (its weight vector is mostly bias), and
    /// the claim holds. Control, through the same judge: node 2 with ten times its fan-out computes a map that
    /// varies by 1.5% of the spread on the data, more than the tolerance, and counts against the claim.
    /// </summary>
    /// <summary>
    /// Regression case from the Nightly tier (run seed 870516584, 27 Nov 2026; d 2, four teachers, multi 3,
    /// 400-epoch budget): teachers 1 and 3 are near mirrors of each other (cos -0.96), and node 1 sat at
    /// cos -1.000 to teacher 3 and 0.961 to teacher 1. Read as teacher 1's node (alignment first), its
    /// linear term was missing from the compensation: residue 0.677, so the mirrors of teachers 0 and 2
    /// were not verified, and claims 1, 2 and 4 failed (teacher 2, matched only by mirrors, best cos 0.81).
    /// Read against the hyperplane it is closest to, node 1 is teacher 3's mirror: residue 0.0025, and
    /// the claims hold with verified mirrors credited (strictly, teacher 2 stays unmatched).
    /// Control through the same judges: node 1 without fan-out, so that its linear term no longer compensates.
    /// </summary>
    [Test, Judges("unspecialized-students-vanish.leaky.base.hyperplane")]
    public void ANodeClosestToATeachersMirror_IsThatMirror_ThoughAboveTauToItsNearMirrorTwin()
    {
        var p = new SmallProblem(2, [4], 0.1, 0, 3, 300, 5892478417678513771);
        var settings = ClaimRuns.NightlySettings;
        using var scope = NewDisposeScope();
        using var trained = p.Train(settings.TwoLayerBudget);
        var evidence = trained.Evidence();
        var vanishing = VanishingClaim.Judge(evidence, Judge);
        var lowest = LowestLayerSpecializationClaim.Judge(evidence, SpecializationCriteria.Hyperplane);
        var core = CoreArgumentClaim.Judge(evidence, CoreArgumentCriteria.Hyperplane);
        TestContext.Out.WriteLine(vanishing);
        TestContext.Out.WriteLine(lowest);

        vanishing.Numbers.MaxSampleGradient.ShouldBeLessThanOrEqualTo(VanishingCriteria.SmallGradient, "the precondition is reached: " + vanishing);
        evidence.Compensation!.MirroredTeacher[1].ShouldBe(3, "node 1 is -w*_3 (cos -1.000), though 0.961 to teacher 1");
        evidence.Compensation.Residue.ShouldBeLessThanOrEqualTo(MirrorCheck.MaxResidue, vanishing.ToString());
        (vanishing.Verdict, lowest.Verdict, core.Verdict).ShouldBe((Verdict.Holds, Verdict.Holds, Verdict.Holds), $"{vanishing}\n{lowest}\n{core}");
        LowestLayerSpecializationClaim.Judge(evidence, SpecializationCriteria.Paper).Verdict.ShouldBe(Verdict.Fails, "teacher 2 is matched only by its mirrors");

        using var broken = trained.Student.Clone();
        using (no_grad()) broken.Weights[1][1].Fill_(0.0);
        var controlEvidence = PairEvidence.MeasureAtOwnGradient(trained.Teacher, broken, trained.Data, Rules.TwoLayerGradient, "control: node 1 (teacher 3's mirror) without fan-out");
        var control = VanishingClaim.Judge(controlEvidence, Judge);
        TestContext.Out.WriteLine(control);
        control.Numbers.CompensationResidue.ShouldBeGreaterThan(MirrorCheck.MaxResidue, control.ToString());
        ClaimRuns.ShouldMissThePrecondition(control, control.Numbers.MaxSampleGradient);
        var lowestControl = LowestLayerSpecializationClaim.Judge(controlEvidence, SpecializationCriteria.Hyperplane);
        lowestControl.ConclusionObserved.ShouldBe(false, "teacher 2's mirrors are no longer compensated: " + lowestControl);
    }

    [Test, Judges("unspecialized-students-vanish.leaky.base.hyperplane")]
    public void NodesAlignedWithNearMirrorTeachers_AreNotMirrors()
    {
        var p = new SmallProblem(3, [3], 0.1, 0.5, 2, 200, 8847869890084395108);
        using var scope = NewDisposeScope();
        using var trained = p.Train(Budget);
        var evidence = trained.Evidence();
        var outcome = VanishingClaim.Judge(evidence, AtTheLevelItWasFoundAt);
        TestContext.Out.WriteLine(outcome);

        outcome.Numbers.MaxSampleGradient.ShouldBeLessThanOrEqualTo(1e-3, "the precondition is reached: " + outcome);
        evidence.Compensation!.Mirrors.ShouldBe(0, "every node near -w*_j here is aligned with another teacher");
        outcome.Numbers.AffineOnTheData.ShouldBe(1, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());

        var node = Enumerable.Range(0, evidence.Report.Students).Single(k => evidence.Compensation.AffineOnData[k]);
        using var broken = trained.Student.Clone();
        using (no_grad()) broken.Weights[1][node].Times_(10.0);
        var control = VanishingClaim.Judge(PairEvidence.MeasureAtOwnGradient(trained.Teacher, broken, trained.Data, AtTheLevelItWasFoundAt.MaxGradient, "control: node " + node + " with ten times its fan-out"), AtTheLevelItWasFoundAt);
        TestContext.Out.WriteLine(control);
        control.Numbers.CompensationResidue.ShouldBeGreaterThan(MirrorCheck.MaxResidue, control.ToString());
        ClaimRuns.ShouldMissThePrecondition(control, control.Numbers.MaxSampleGradient);
    }

    /// <summary>
    /// Drawn by run seed 39606 (VERIFY_SEED=39606; one of 22 run seeds re-judged on 27 Nov 2026, the only one
    /// whose claim-4 gate failed): d 5, m 2, leaky 0.1, p 0, multi 2, 200 Gaussian points. At gradient 9e-4
    /// (3,000 steps, loss 2.2e-7) nodes 0 and 3 (best rho 0.18, fan-outs 0.056 and 0.31) are a cancelling pair
    /// still forming: cos 0.994 between them, below the 0.999 at which they act as one node, so both count
    /// against the claim. At 3e-4 (4,750 steps) they are co-linear (cos 0.999) and their group's output is
    /// 1e-3 per unit activation: cancelled, and the claim holds. The same run seed's second failing case
    /// (d 6, m 3, seed 5291686640138074819) is the same kind (cos 0.997 at 1e-3, 1.000 at 3e-4). Hence the
    /// level of claim 4 (<see cref="VanishingCriteria.SmallGradient"/>).
    /// </summary>
    [Test, Judges("unspecialized-students-vanish.leaky.base.hyperplane")]
    public void ACancellingPairStillForming_At1e3_HasCancelledAt3e4()
    {
        var p = new SmallProblem(5, [2], 0.1, 0, 2, 200, 4210431274112846573);
        using var scope = NewDisposeScope();
        using var early = p.Train(Budget);
        var atEarly = VanishingClaim.Judge(early.Evidence(), AtTheLevelItWasFoundAt);
        using var later = p.Train(ClaimBuilders.FullBatch(epochs: 100, target: VanishingCriteria.SmallGradient));
        var atLater = VanishingClaim.Judge(later.Evidence(), Judge);
        TestContext.Out.WriteLine(atEarly);
        TestContext.Out.WriteLine(atLater);

        atEarly.Numbers.Neither.ShouldBe(2, "at 1e-3 the pair has not yet formed: " + atEarly);
        atEarly.Verdict.ShouldBe(Verdict.Fails, atEarly.ToString());
        atLater.Numbers.CancelledInColinearGroups.ShouldBe(2, atLater.ToString());
        atLater.Verdict.ShouldBe(Verdict.Holds, atLater.ToString());
    }

    /// <summary>
    /// Drawn by the default run of 27 Nov 2026 at 18:55 (leaky cases at 3e-4): d 4, m 3, leaky 0.1, p 0, multi
    /// 2, 200 Gaussian points; at gradient 2.9e-4 (loss 6.4e-10) nodes 4 and 5 (best rho 0.63 and 0.949, fan-outs
    /// 1.44 and 1.43) are mirrors of each other (cos -1.000) whose kink weights v|w| (1.929, 1.930) cancel: an
    /// affine pair. Their hyperplane sits at cos 0.955 to teacher 0, whose own node is node 3 (cos 1.000), so
    /// they were read as teacher 0's aligned node and mirror, and the pair was not a compensator. Groups are now
    /// judged by the group cosine (0.999) against the teachers' hyperplanes: this pair is off every one, affine on
    /// the data as a pair, and the claim holds. Control, through the same judge: node 5 without fan-out leaves
    /// node 4 kinking inside the data, and the claim fails.
    /// </summary>
    [Test, Judges("unspecialized-students-vanish.leaky.base.hyperplane")]
    public void AnAffinePairNearATeacherHyperplane_IsACompensator()
    {
        var p = new SmallProblem(4, [3], 0.1, 0, 2, 200, 2374970662177109058);
        using var scope = NewDisposeScope();
        using var trained = p.Train(new TheoremCheckSettings().TwoLayerBudget);
        var evidence = trained.Evidence();
        var outcome = VanishingClaim.Judge(evidence, Judge);
        TestContext.Out.WriteLine(outcome);

        trained.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, trained.Training.ToString());
        var pair = Enumerable.Range(0, evidence.Report.Students).Where(k => evidence.Compensation!.AffineOnData[k] && !evidence.AffineStudents[k]).ToArray();
        pair.Length.ShouldBe(2, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());

        using var broken = trained.Student.Clone();
        using (no_grad()) broken.Weights[1][pair[1]].zero_();
        var control = VanishingClaim.Judge(PairEvidence.MeasureAtOwnGradient(trained.Teacher, broken, trained.Data, Judge.MaxGradient, "control: pair node " + pair[1] + " without fan-out"), Judge);
        TestContext.Out.WriteLine(control);
        ClaimRuns.ShouldMissThePrecondition(control, control.Numbers.MaxSampleGradient);
    }

    /// <summary>The same case trained on to gradient 3e-4 (80,000 steps; Nightly): the cutting node has left the data and the claim holds.</summary>
    [Test, Category("Nightly")]
    public void ANodeLeavingTheData_Later_At3e4()
    {
        var p = new SmallProblem(4, [3], 0.1, 0, 2, 200, 4399169305632296614);
        using var scope = NewDisposeScope();
        using var trained = p.Train(ClaimBuilders.FullBatch(epochs: 400, target: 3e-4));
        var outcome = VanishingClaim.Judge(trained.Evidence(), Judge with { MaxGradient = 3e-4 });
        TestContext.Out.WriteLine(outcome);

        outcome.Numbers.AffineOnTheData.ShouldBe(2, outcome.ToString());
        outcome.Numbers.CompensationResidue.ShouldBeLessThanOrEqualTo(MirrorCheck.MaxResidue, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// Control for the combined-map check: the pinned mirror case with its affine partner's fan-out
    /// zeroed. The partner is still affine on the data, but the combined map of it and the mirror's
    /// linear term is no longer constant: the affine node is not excused and the mirror not verified.
    /// </summary>
    [Test]
    public void AffineNodesWhoseCombinedMapIsNotConstant_AreNotExcused()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(new TeacherSpec(3, [2], 5, Activation.LeakyRelu(0.1), 0), 2, 200, CaseStreams.Pinned(4, 5, 6, 7), Budget);
        using (no_grad()) pair.Student.Weights[1][3] = zeros_like(pair.Student.Weights[1][3]);
        var outcome = VanishingClaim.Judge(PairEvidence.MeasureAtOwnGradient(pair.Teacher, pair.Student, pair.Data, AtTheLevelItWasFoundAt.MaxGradient, "pinned mirror case, partner silenced"), AtTheLevelItWasFoundAt);
        TestContext.Out.WriteLine(outcome);

        outcome.Numbers.CompensationResidue.ShouldBeGreaterThan(MirrorCheck.MaxResidue, outcome.ToString());
        outcome.Numbers.MirrorsOfATeacher.ShouldBe(0, outcome.ToString());
        ClaimRuns.ShouldMissThePrecondition(outcome, outcome.Numbers.MaxSampleGradient);
    }

    [TestCase(4, 3, 61L)]
    public void LinearActivation_LeavesUnspecializedNodesWithFanOut(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var relu = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var teacher = ClaimBuilders.WithActivation(relu, Activation.Linear);
        using var data = Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, ClaimBuilders.FullBatch(epochs: 48, target: VanishingCriteria.SmallGradient, learningRate: 0.05), streams.Batches);

        var outcome = VanishingClaim.Judge(teacher, student, data.Inputs, training, Judge);
        TestContext.Out.WriteLine(outcome);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: {training}");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }
}
