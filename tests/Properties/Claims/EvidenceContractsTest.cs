using NUnit.Framework;
using Shouldly;
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
/// What the claims about one trained pair read, measured as their doc comments say: a small
/// problem builds each of its streams from the case seed by name (so a case replays from its text),
/// and the analysis record of a pair (<see cref="PairEvidence"/>) holds alpha = V V*^T, the nodes
/// with one sign on the data, the teacher boundaries the data straddles, and the two-layer parts only
/// for two layers. The networks are hand-built, so each expected value follows from the weights.
/// </summary>
[TestFixture]
public sealed class EvidenceContractsTest
{
    static readonly SmallProblem Problem = new(3, [2], 0.1, 0.5, 2, 40, 77, SmallData.Gaussian, Outputs: 4);

    static double[] Values(Tensor t) => t.to(ScalarType.Float64, CPU).data<double>().ToArray();

    static void ShouldBeEqual(Tensor a, Tensor b, string what)
    {
        a.shape.ShouldBe(b.shape, what);
        Values(a).ShouldBe(Values(b), what);
    }

    [Test]
    public void ASmallProblem_StatesItsNetworks()
    {
        Problem.Activation.NegativeSlope.ShouldBe(0.1);
        (Problem with { Leak = 0 }).Activation.ShouldBe(Activation.Relu);
        var spec = Problem.Spec;
        (spec.InputDim, spec.OutputDim, spec.StrengthDecay, spec.Activation!.NegativeSlope).ShouldBe((3, 4, 0.5, 0.1));
        spec.HiddenWidths.ShouldBe([2]);
        Problem.Depth.ShouldBe(1);
        (Problem with { Widths = [2, 3] }).Depth.ShouldBe(2);
        (Problem with { Widths = [2, 3], Multi = 3 }).StudentWidths.ShouldBe([6, 9], "multi times each teacher width");
        Problem.StreamSeed("teacher").ShouldBe(Seeds.Of(77, "teacher"));
    }

    [Test]
    public void ASmallProblem_BuildsTeacherAndDataFromTheirNamedStreams()
    {
        using var scope = NewDisposeScope();
        using var teacher = Problem.BuildTeacher();
        using var reference = Teacher.Build(Problem.Spec, Seeds.Of(77, "teacher"));
        for (var l = 0; l < 2; l++) ShouldBeEqual(teacher.Weights[l], reference.Weights[l], $"teacher layer {l + 1}");

        using var gaussian = Problem.BuildData(teacher);
        using var gaussianReference = Dataset.Gaussian(teacher, 40, Seeds.Of(77, "train-inputs"));
        gaussian.Count.ShouldBe(40);
        ShouldBeEqual(gaussian.Inputs, gaussianReference.Inputs, "Gaussian inputs");

        using var aware = (Problem with { Data = SmallData.TeacherAware }).BuildData(teacher);
        using var awareReference = TeacherAware.Dataset(teacher, 40, Seeds.Of(77, "train-inputs"));
        ShouldBeEqual(aware.Inputs, awareReference.Inputs, "teacher-aware inputs");
        Values(aware.Inputs).SequenceEqual(Values(gaussian.Inputs)).ShouldBeFalse("the data kind decides the inputs");
    }

    [Test]
    public void ASmallProblem_TrainsTheStudentItDescribes_AndItsEvidenceNamesTheCase()
    {
        using var scope = NewDisposeScope();
        var budget = new SgdOptions { LearningRate = 0.05, BatchSize = null, Epochs = 1, ItersPerEpoch = 3, GradientTarget = null };
        using var trained = Problem.Train(budget);
        trained.Problem.ShouldBe(Problem);
        trained.Student.HiddenWidths.ShouldBe([4]);
        trained.Student.Activation.NegativeSlope.ShouldBe(0.1);
        trained.Training.Steps.ShouldBe(3);

        using var teacher = Teacher.Build(Problem.Spec, Seeds.Of(77, "teacher"));
        using var data = Dataset.Gaussian(teacher, 40, Seeds.Of(77, "train-inputs"));
        using var student = Student.WithWidths(teacher, [4], Seeds.Of(77, "student"), SmallProblem.InitStd);
        SgdTrainer.Train(student, data, budget, Seeds.Of(77, "batches"));
        ShouldBeEqual(trained.Teacher.Weights[0], teacher.Weights[0], "teacher");
        ShouldBeEqual(trained.Data.Inputs, data.Inputs, "data");
        for (var l = 0; l < 2; l++) ShouldBeEqual(trained.Student.Weights[l], student.Weights[l], $"student layer {l + 1}, trained on the batches stream");

        var evidence = trained.Evidence();
        evidence.Case.ShouldBe(Problem.ToString());
        evidence.Samples.ShouldBe(40);
        evidence.Training.ShouldBeSameAs(trained.Training);

        using var narrow = Problem.Train(budget, studentWidths: [3]);
        narrow.Student.HiddenWidths.ShouldBe([3], "widths given by the caller");
    }

    [Test]
    public void TheCaseText_NamesEveryFieldThatReplaysIt()
    {
        var variants = new[]
        {
            Problem, Problem with { D = 4 }, Problem with { Widths = [3] }, Problem with { Leak = 0 }, Problem with { Decay = 0 },
            Problem with { Multi = 3 }, Problem with { Samples = 41 }, Problem with { Seed = 78 }, Problem with { Data = SmallData.TeacherAware },
        };
        variants.Select(v => v.ToString()).Distinct().Count().ShouldBe(variants.Length);
    }

    // ---- the analysis record of a pair ----

    /// <summary>d = 2; columns are augmented vectors (w, b), rows of <paramref name="fanOuts"/> the fan-outs.</summary>
    static RectifiedNetwork Net(double[][] nodes, double[][] fanOuts, double leak = 0)
    {
        using var scope = NewDisposeScope();
        int n = nodes.Length, c = fanOuts[0].Length;
        var w1 = zeros([3, n], ScalarType.Float64);
        var w2 = zeros([n + 1, c], ScalarType.Float64);
        for (var k = 0; k < n; k++)
        {
            for (var q = 0; q < 3; q++) w1[q, k] = tensor(nodes[k][q], ScalarType.Float64);
            for (var o = 0; o < c; o++) w2[k, o] = tensor(fanOuts[k][o], ScalarType.Float64);
        }
        return new RectifiedNetwork([w1, w2], leak == 0 ? Activation.Relu : Activation.LeakyRelu(leak));
    }

    static readonly double[][] TeacherFanOuts = [[2, 1], [1, -1]];
    static readonly double[][] StudentFanOuts = [[1, 0.5], [0.3, -1], [-1, 1]];

    /// <summary>Teacher: boundary x_1 = 0 (crossed by the data) and x_2 = 10 (not). Student: open everywhere, closed everywhere, kink x_1 + x_2 = 0.</summary>
    static (RectifiedNetwork Teacher, RectifiedNetwork Student) HandBuiltPair(double leak = 0) =>
        (Net([[1, 0, 0], [0, 1, -10]], TeacherFanOuts), Net([[0, 1, 5], [0, -1, -5], [1, 1, 0]], StudentFanOuts, leak));

    static Tensor Inputs()
    {
        var x = new double[20];
        for (var i = 0; i < 10; i++) { x[2 * i] = 0.3 * (i + 1) * (i % 2 == 0 ? 1 : -1); x[2 * i + 1] = i - 4.5; }
        return tensor(x, [10, 2], ScalarType.Float64);
    }

    [Test]
    public void ThePairsRecord_HoldsAlpha_TheOneSignedNodes_AndTheStraddledBoundaries()
    {
        using var scope = NewDisposeScope();
        var (teacher, student) = HandBuiltPair();
        using var t = teacher;
        using var s = student;
        var e = PairEvidence.Measure(teacher, student, Inputs(), training: null);

        e.Samples.ShouldBe(10);
        e.Case.ShouldContain(teacher.ToString());
        e.Case.ShouldContain(student.ToString());
        e.Case.ShouldContain("N 10");
        (e.Report.Layer, e.Report.Teachers, e.Report.Students).ShouldBe((1, 2, 3));
        for (var k = 0; k < 3; k++)
            for (var j = 0; j < 2; j++)
                e.Alpha[k, j].ShouldBe(StudentFanOuts[k][0] * TeacherFanOuts[j][0] + StudentFanOuts[k][1] * TeacherFanOuts[j][1], 1e-12, $"alpha[{k}, {j}] = v_k . v*_j");
        e.AffineStudents.ShouldBe([true, true, false], "open on every input, closed on every input, a kink in the data");
        e.DataStraddles.ShouldBe([true, false], "the inputs lie on both sides of x_1 = 0, below x_2 = 10");
        e.StudentLeaky.ShouldBeFalse();
        e.Compensation.ShouldNotBeNull("two layers");
        e.Jumps.ShouldNotBeNull("two layers");
        e.Jumps!.Teachers.ShouldBe(2);
        e.Training.ShouldBeNull();
        e.ReachedGradientTarget.ShouldBeFalse("an untrained student did not reach anything");
        double.IsNaN(e.MaxSampleGradient).ShouldBeTrue();

        PairEvidence.Measure(teacher, student, Inputs(), null, "my case").Case.ShouldBe("my case");
        PairEvidence.Measure(teacher, student, Inputs(), null, measureJumps: false).Jumps.ShouldBeNull("the sweeps skip the jumps");
    }

    [Test]
    public void ThePairsRecord_SaysWhetherTheRunReachedTheGradientTarget()
    {
        using var scope = NewDisposeScope();
        var (teacher, student) = HandBuiltPair(leak: 0.1);
        using var t = teacher;
        using var s = student;
        TrainingResult Run(TrainingOutcome outcome) => new(outcome, 10, 1, 1e-3, 2.5e-3, []);
        var reached = PairEvidence.Measure(teacher, student, Inputs(), Run(TrainingOutcome.ReachedGradientTarget));
        reached.StudentLeaky.ShouldBeTrue();
        reached.AffineStudents.ShouldBe([true, true, false], "one sign of the pre-activation, whatever the activation");
        reached.ReachedGradientTarget.ShouldBeTrue();
        reached.MaxSampleGradient.ShouldBe(2.5e-3);
        PairEvidence.Measure(teacher, student, Inputs(), Run(TrainingOutcome.BudgetExhausted), measureJumps: false).ReachedGradientTarget.ShouldBeFalse();
    }

    [Test]
    public void ADeepPairsRecord_HasNoTwoLayerParts()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(new TeacherSpec(2, [3, 2], 2), 5);
        using var student = Teacher.Build(new TeacherSpec(2, [4, 2], 2), 6);
        var e = PairEvidence.Measure(teacher, student, Inputs(), null);
        e.Alpha.GetLength(0).ShouldBe(4);
        e.Alpha.GetLength(1).ShouldBe(0, "alpha is of two-layer pairs");
        e.Compensation.ShouldBeNull();
        e.Jumps.ShouldBeNull();
        e.AffineStudents.Length.ShouldBe(4, "lowest layer");
        e.DataStraddles.Length.ShouldBe(3, "lowest layer");
    }

    [Test]
    public void OnlyAnActivationWithALeakBetweenZeroAndOne_IsLeaky()
    {
        using var scope = NewDisposeScope();
        var (teacher, student) = HandBuiltPair();
        using var t = teacher;
        using var s = student;
        using var linear = ClaimBuilders.WithActivation(student, Activation.Linear);
        PairEvidence.Measure(teacher, linear, Inputs(), null, measureJumps: false).StudentLeaky.ShouldBeFalse("slope 1 is linear, not leaky");
    }
}
