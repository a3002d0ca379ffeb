using NUnit.Framework;
using Shouldly;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Protocols;
using Verify.Model.Runtime;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 1: once max_x ||g_1(x)|| is small at every training sample, every lowest-layer teacher
/// node is matched by a student node (cosine of augmented weights and activation correlation both
/// above 0.95, up to the mirror). Judged on fresh cases drawn from the run seed, at least 16
/// conclusive per activation (100 in the Nightly tier). Negative controls break one hypothesis
/// each: data that never crosses a teacher boundary, a linear activation, an under-realized student.
/// </summary>
[TestFixture]
public sealed class LowestLayerSpecializationTest
{
    static readonly SgdOptions Budget = ClaimBuilders.FullBatch(epochs: 100);
    /// <summary>The judge of the fresh cases, the hyperplane reading (the paper's thresholds, verified mirrors credited): every control goes through it.</summary>
    static readonly SpecializationCriteria Criteria = SpecializationCriteria.Hyperplane;

    /// <summary>
    /// The fresh ReLU cases of the run. Three cases drawn on 27 Nov 2026 failed and were pinned as open
    /// findings; each is now understood and kept as a regression case:
    /// <see cref="AMirror_NotYetCompensatedAt3e3_IsVerifiedAt1e3"/> (the precondition level),
    /// <see cref="MirrorsCompensatedByAPairWhoseKinksCancel_AreVerified"/> (a compensation the check missed), and
    /// VanishingTest.NodesAlignedWithNearMirrorTeachers_AreNotMirrors (a misread mirror).
    /// </summary>
    [TestCaseSource(typeof(ClaimRuns), nameof(ClaimRuns.FamiliesAndActivations))]
    [Judges("lowest-layer-specialization.relu.base.hyperplane"), Judges("lowest-layer-specialization.leaky.base.hyperplane")]
    [Judges("lowest-layer-specialization.relu.decay.hyperplane"), Judges("lowest-layer-specialization.leaky.decay.hyperplane")]
    [Judges("lowest-layer-specialization.relu.wide.hyperplane"), Judges("lowest-layer-specialization.leaky.wide.hyperplane")]
    [Judges("lowest-layer-specialization.relu.sgd.hyperplane"), Judges("lowest-layer-specialization.leaky.sgd.hyperplane")]
    public void EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample(string activation, string family)
    {
        var claim = ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, activation, family);
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, claim, ClaimRuns.TwoLayerJudge(claim));
    }

    [TestCaseSource(typeof(ClaimRuns), nameof(ClaimRuns.FamiliesAndActivations)), Category("Nightly")]
    public void EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample_Nightly(string activation, string family)
    {
        var claim = ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, activation, family);
        ClaimRuns.ShouldHold(ClaimRuns.FreshNightly, claim, ClaimRuns.TwoLayerJudge(claim, ClaimRuns.NightlySettings));
    }

    // Claim 1 at depth (three and four layers) is judged and gated in ThreeLayerFitWithoutSpecializationFindingTest: it
    // fails on the small deep problems (stationary exact fits without specialization), a finding, not a pass.

    /// <summary>
    /// Negative control of claim 1 at depth, through the same judge: three-layer linear teacher and student (the
    /// rectification removed) are finished to every layer's gradient 1e-4 like a fresh case, and no student node
    /// matches a teacher node: the judge fails it. Drawn from the three-layer space's first ReLU case of a fixed seed.
    /// </summary>
    [TestCase(0), TestCase(1)]
    public void DeepLinearStudent_ReachesTheTarget_AndTheDeepJudgeFails(int index)
    {
        using var scope = NewDisposeScope();
        var p = SmallProblemSpace.ThreeLayer(0).Draw(41, "deep-linear-control", index);
        var settings = new TheoremCheckSettings();
        using var relu = p.BuildTeacher();
        using var teacher = ClaimBuilders.WithActivation(relu, Activation.Linear);
        using var data = Verify.Model.Data.Dataset.Gaussian(teacher, p.Samples, p.StreamSeed("train-inputs"));
        using var student = Student.WithWidths(teacher, p.StudentWidths, p.StreamSeed("student"), SmallProblem.InitStd);
        var descent = SgdTrainer.Train(student, data, settings.DeepBudget with { LearningRate = 0.05 }, p.StreamSeed("batches"));
        var finish = Finisher.Finish(student, data, settings.DeepFinish, descent);
        var evidence = DeepPairEvidence.Measure(teacher, student, data, PairEvidence.Measure(teacher, student, data.Inputs, finish.Training, $"linear control of {p}"), null);
        var outcome = LowestLayerSpecializationClaim.Judge(evidence, SpecializationCriteria.Paper);
        TestContext.Out.WriteLine(finish);
        TestContext.Out.WriteLine(outcome);

        finish.Reached.ShouldBeTrue($"the control must meet the precondition: {finish}");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    /// <summary>
    /// Drawn by run seed 539689783 (VERIFY_SEED=539689783): d 3, m 3, leaky 0.1, p 0.5, multi 2, 200
    /// Gaussian points. At gradient 8.9e-4 the loss is 4.4e-9, teacher 1 has no aligned node (best cos 0.51)
    /// and nodes 0 and 3 mirror teachers 0 and 1 (rewritten rho 1, fan-out 1.24 and 0.99). Their linear terms
    /// are cancelled by nodes 1 and 5: mirrors of each other (cos -1) with kink weights v|w| of 1.316 each and
    /// opposite signs, so together they compute an affine map. Read with single affine-on-data nodes as the
    /// only compensators, the residue was 1.86 and claim 1 failed; with hyperplane groups whose kinks
    /// cancel among the compensators it is 6e-4: mirror-aware the claim holds, strictly it fails.
    /// Control, through the same judge: the pair's second node without fan-out leaves the first one kinking
    /// inside the data, nothing cancels the mirrors' linear terms, and the mirrors are not verified.
    /// </summary>
    [Test, Judges("lowest-layer-specialization.leaky.base.hyperplane")]
    public void MirrorsCompensatedByAPairWhoseKinksCancel_AreVerified()
    {
        using var scope = NewDisposeScope();
        var p = new SmallProblem(3, [3], 0.1, 0.5, 2, 200, 9147198104646536933);
        using var trained = p.Train(new TheoremCheckSettings().TwoLayerBudget);
        var evidence = trained.Evidence();
        var outcome = LowestLayerSpecializationClaim.Judge(evidence, Criteria);
        var paper = LowestLayerSpecializationClaim.Judge(evidence, SpecializationCriteria.Paper);
        TestContext.Out.WriteLine(outcome);

        trained.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, trained.Training.ToString());
        var pair = Enumerable.Range(0, evidence.Report.Students).Where(k => evidence.Compensation!.AffineOnData[k]).ToArray();
        pair.Length.ShouldBe(2, "the compensating pair: " + outcome);
        evidence.AffineStudents[pair[0]].ShouldBeFalse("each node of the pair kinks inside the data; only together are they affine");
        outcome.Numbers.MatchedOnlyByMirror.ShouldBe(1, outcome.ToString());
        outcome.Numbers.CompensationResidue.ShouldBeLessThanOrEqualTo(MirrorCheck.MaxResidue, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
        paper.Verdict.ShouldBe(Verdict.Fails, "no node is a positive multiple of teacher 1");

        using var broken = trained.Student.Clone();
        using (no_grad()) broken.Weights[1][pair[1]].zero_();
        var control = LowestLayerSpecializationClaim.Judge(PairEvidence.MeasureAtOwnGradient(trained.Teacher, broken, trained.Data, Rules.TwoLayerGradient, "control: pair node " + pair[1] + " without fan-out"), Criteria);
        TestContext.Out.WriteLine(control);
        control.Numbers.CompensationResidue.ShouldBeGreaterThan(MirrorCheck.MaxResidue, control.ToString());
        ClaimRuns.ShouldMissThePrecondition(control, control.Numbers.MaxSampleGradient);
    }

    /// <summary>
    /// Drawn by run seed 474832391 (VERIFY_SEED=474832391) when the ReLU cases trained to 3e-3: d 5, m 2,
    /// p 0.5, multi 2, 200 Gaussian points. At gradient 2.9e-3 (loss 1.4e-4) teacher 1 is matched only by a
    /// mirror, and node 1 (fan-out 2.1) still kinks inside the data, so nothing cancels the mirror's linear
    /// term (residue 1.03) and the claim fails. Trained on to 1e-3 node 1 has left the data, the residue is
    /// 3.9e-3 and the mirror is verified. The two-layer cases, ReLU and leaky, now train to claim 4's level,
    /// 3e-4 (TheoremCheckSettings.TwoLayerBudget).
    /// </summary>
    [Test, Judges("lowest-layer-specialization.relu.base.hyperplane")]
    public void AMirror_NotYetCompensatedAt3e3_IsVerifiedAt1e3()
    {
        using var scope = NewDisposeScope();
        var p = new SmallProblem(5, [2], 0, 0.5, 2, 200, 870625301934649252);
        var settings = new TheoremCheckSettings();
        using var early = p.Train(settings.Budget with { GradientTarget = 3e-3 });
        var atEarly = LowestLayerSpecializationClaim.Judge(early.Evidence(), Criteria);
        using var trained = p.Train(settings.Budget with { GradientTarget = 1e-3 });
        var outcome = LowestLayerSpecializationClaim.Judge(trained.Evidence(), Criteria);
        TestContext.Out.WriteLine(atEarly);
        TestContext.Out.WriteLine(outcome);

        early.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, early.Training.ToString());
        atEarly.Numbers.UnverifiedMirrors.ShouldBe(1, atEarly.ToString());
        atEarly.Verdict.ShouldBe(Verdict.Fails, "at 3e-3 the mirror's linear term is not yet cancelled: " + atEarly);
        trained.Training.MaxSampleGradient.ShouldBeLessThanOrEqualTo(1e-3, trained.Training.ToString());
        outcome.Numbers.MatchedOnlyByMirror.ShouldBe(1, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// Regression case found by the generated two-layer property (replay (20260127,1), first report:
    /// "1/2 teachers matched; best rho per teacher [1, -0.1598], best cos [1, -0.2458];
    /// ReachedGradientTarget after 22750 steps: loss 4.67E-08, max per-sample gradient 0.00296"),
    /// pinned with its stream seeds. No node is a positive multiple of teacher 2; node 3 is its
    /// mirror (cos -1, rewritten rho 1, ||v|| 0.83). Its partner, node 0 (||v|| 1.84), is active on 199
    /// of 200 inputs and grazes the last (pre-activation -0.0023): affine on the data within the
    /// tolerance, and the combined map of it and the mirror's linear term is constant on the data to
    /// 4e-4 of the teacher's output spread. The mirror is verified: strictly the claim fails, mirror-aware
    /// it holds. (Read with "affine" as one-signed on every input, node 0 missed by one point and the
    /// residue was 0.84; still 0.84 at gradient 3e-4.)
    /// </summary>
    [Test]
    public void MirroredStudent_WithANearlyAffinePartner_IsAVerifiedMirror()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(TeacherSpec.TwoLayer(4, 2, decay: 0.5, outputs: 5), 2, 200, CaseStreams.Pinned(650084, 650085, 650086, 650087), Budget);

        var outcome = LowestLayerSpecializationClaim.Judge(pair.Evidence(), Criteria);
        var paper = LowestLayerSpecializationClaim.Judge(pair.Evidence(), SpecializationCriteria.Paper);
        TestContext.Out.WriteLine(outcome);

        pair.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, pair.Training.ToString());
        paper.Verdict.ShouldBe(Verdict.Fails, paper.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
        outcome.Numbers.MatchedOnlyByMirror.ShouldBe(1, outcome.ToString());
        outcome.Numbers.CompensationResidue.ShouldBeLessThanOrEqualTo(MirrorCheck.MaxResidue, outcome.ToString());
    }

    /// <summary>
    /// The identity behind mirrors, for the leaks the suite uses: sigma(u) - sigma(-u) = (1 + c) u
    /// exactly (u &gt; 0: u + c u; u &lt; 0: c u + u). The look-alike sigma(u) - c sigma(-u) is not linear
    /// (u + c^2 u for u &gt; 0, 2 c u for u &lt; 0), so the mirror's compensation is the first one.
    /// </summary>
    [TestCase(0.0), TestCase(0.1), TestCase(0.5)]
    public void SigmaOfUMinusSigmaOfMinusU_IsOnePlusCTimesU(double c)
    {
        using var scope = NewDisposeScope();
        var activation = c == 0 ? Activation.Relu : Activation.LeakyRelu(c);
        var u = tensor(Enumerable.Range(0, 61).Select(i => -3 + 0.1 * i).ToArray(), ScalarType.Float64);
        var identity = RectifiedNetwork.ToArray((activation.Apply(u) - activation.Apply(-u) - u.Times(1 + c)).unsqueeze(0));
        var lookAlike = RectifiedNetwork.ToArray((activation.Apply(u) - activation.Apply(-u).Times(c)).unsqueeze(0));
        Enumerable.Range(0, 61).Max(i => Math.Abs(identity[0, i])).ShouldBeLessThan(Tolerances.Float64Identity, $"c {c}");
        // Not linear: the slopes on the two sides differ (1 + c^2 against 2c), except at c = 1.
        Math.Abs((lookAlike[0, 60] - lookAlike[0, 50]) - (lookAlike[0, 10] - lookAlike[0, 0])).ShouldBeGreaterThan(1e-6, $"c {c}");
    }

    /// <summary>
    /// A verified mirror, constructed: teacher node 2 is replaced by its mirror -w*_2 (fan-out v*_2)
    /// and a partner w*_2 + B e (B large enough that it is positive on every input: affine on the data)
    /// with fan-out (1 + c) v*_2, the output bias lowered by (1 + c) B v*_2. The student computes the
    /// teacher exactly on the data, and no node is a positive multiple of w*_2: the strict reading fails,
    /// the mirror-aware one holds. Control through the same judge: with the partner's fan-out zeroed the
    /// mirror's linear term is not cancelled, the mirror is not verified and teacher 2 goes unmatched.
    /// </summary>
    [TestCase(0.0, 4, 51L), TestCase(0.1, 3, 52L)]
    public void ConstructedMirror_CountsOnlyWithItsAffinePartner(double c, int d, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        var activation = c == 0 ? Activation.Relu : Activation.LeakyRelu(c);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, 2, outputs: 5, activation: activation), streams.Teacher);
        using var data = Verify.Model.Data.Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = MirrorStudent(teacher, data.Inputs, partner: true);
        using var broken = MirrorStudent(teacher, data.Inputs, partner: false);
        // One tiny step: the gradient check of the trainer, without moving the construction.
        var budget = ClaimBuilders.FullBatch(epochs: 1, learningRate: 1e-6, itersPerEpoch: 1);
        var atFit = SgdTrainer.Train(student, data, budget, streams.Batches);
        var notAtFit = SgdTrainer.Train(broken, data, budget, streams.Batches);
        var outcome = LowestLayerSpecializationClaim.Judge(PairEvidence.Measure(teacher, student, data.Inputs, atFit), Criteria);
        var control = LowestLayerSpecializationClaim.Judge(PairEvidence.Measure(teacher, broken, data.Inputs, notAtFit), Criteria);
        TestContext.Out.WriteLine(outcome);
        TestContext.Out.WriteLine(control);

        atFit.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"{atFit}; initial loss {(atFit.History.Count > 0 ? atFit.History[0] : null)}");
        LowestLayerSpecializationClaim.Judge(PairEvidence.Measure(teacher, student, data.Inputs, atFit), SpecializationCriteria.Paper).Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
        outcome.Numbers.MatchedOnlyByMirror.ShouldBe(1, outcome.ToString());
        control.Numbers.UnverifiedMirrors.ShouldBe(1, control.ToString());
        control.ConclusionObserved.ShouldBe(false, control.ToString());
    }

    /// <summary>The construction of <see cref="ConstructedMirror_CountsOnlyWithItsAffinePartner"/>; nodes [w*_1, -w*_2, partner].</summary>
    static RectifiedNetwork MirrorStudent(RectifiedNetwork teacher, Tensor inputs, bool partner)
    {
        var w = teacher.WeightArrays();
        var c = teacher.Activation.NegativeSlope;
        int rows = w[0].GetLength(0), outputs = w[1].GetLength(1);
        var x = RectifiedNetwork.ToArray(inputs.to(ScalarType.Float64, CPU));
        var lowest = Enumerable.Range(0, x.GetLength(0)).Min(i => w[0][rows - 1, 1] + Enumerable.Range(0, rows - 1).Sum(q => x[i, q] * w[0][q, 1]));
        var b = Math.Max(0, -lowest) + 1;
        var w1 = new double[rows, 3];
        var w2 = new double[4, outputs];
        for (var i = 0; i < rows; i++)
        {
            w1[i, 0] = w[0][i, 0];
            w1[i, 1] = -w[0][i, 1];
            w1[i, 2] = w[0][i, 1] + (i == rows - 1 ? b : 0);
        }
        for (var o = 0; o < outputs; o++)
        {
            w2[0, o] = w[1][0, o];
            w2[1, o] = w[1][1, o];
            w2[2, o] = partner ? (1 + c) * w[1][1, o] : 0;
            w2[3, o] = w[1][2, o] - (partner ? (1 + c) * b * w[1][1, o] : 0);
        }
        return new RectifiedNetwork([tensor(w1.Cast<double>().ToArray(), [rows, 3L], ScalarType.Float64), tensor(w2.Cast<double>().ToArray(), [4L, outputs], ScalarType.Float64)],
            teacher.Activation, "mirror student");
    }

    /// <summary>
    /// Control: teacher node 1 is inactive on every training point. The run still reaches the
    /// target and no student matches that node (the conclusion is missing), and the judge reports
    /// the missed hypothesis: inconclusive, never a counterexample.
    /// </summary>
    [TestCase(4, 2, 11L)]
    [TestCase(3, 3, 12L)]
    public void NoStudentMatchesATeacher_WhoseBoundaryTheDataNeverCrosses(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var data = Verify.Model.Data.Dataset.Label(teacher, ClaimBuilders.NeverCrossing(teacher, Verify.Model.Data.Inputs.Gaussian(200, d, streams.Data), node: 0));
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, Budget, streams.Batches);

        var outcome = LowestLayerSpecializationClaim.Judge(teacher, student, data.Inputs, training, Criteria);
        TestContext.Out.WriteLine(outcome);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: the control must meet the gradient precondition: {training}");
        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldContain("boundary");
    }

    /// <summary>Control: linear teacher and student reach zero gradient without any node matching.</summary>
    [TestCase(4, 3, 21L)]
    public void LinearActivation_ReachesZeroGradientWithoutSpecializing(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var relu = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var teacher = ClaimBuilders.WithActivation(relu, Activation.Linear);
        using var data = Verify.Model.Data.Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, ClaimBuilders.FullBatch(epochs: 48, learningRate: 0.05), streams.Batches);

        var outcome = LowestLayerSpecializationClaim.Judge(teacher, student, data.Inputs, training, Criteria);
        TestContext.Out.WriteLine(outcome);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: {training}");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    /// <summary>Control: a student narrower than the teacher cannot match every teacher node (and never meets the precondition).</summary>
    [TestCase(4, 3, 31L)]
    [TestCase(3, 2, 32L)]
    public void UnderRealizedStudent_LeavesATeacherUnmatched(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(TeacherSpec.TwoLayer(d, m, outputs: 5), 1, 200, CaseStreams.Named(seed), Budget, studentWidths: [m - 1]);

        var outcome = LowestLayerSpecializationClaim.Judge(pair.Evidence(), Criteria);
        TestContext.Out.WriteLine(outcome);

        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldNotBe(Verdict.Holds, outcome.ToString());
    }
}
