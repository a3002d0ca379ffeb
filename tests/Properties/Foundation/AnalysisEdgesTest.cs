using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// The analysis at the edges of what it accepts: the fewest samples a correlation takes, the
/// strict coverage threshold, the depth at which the per-sample signal switches from the closed form
/// to the recursion, and the inputs it must refuse. Found by mutation testing (docs/dev/mutation.md):
/// each is a place where a changed comparison passed every other test.
/// </summary>
[TestFixture]
public sealed class AnalysisEdgesTest
{
    [Test]
    public void TwoSamples_AreEnoughForACorrelation_AndGiveItsSign()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new[] { 1.0, 3.0 }).reshape(2, 1);
        var b = tensor(new[] { 5.0, -2.0, 0.5, 7.0 }).reshape(2, 2);
        var rho = Correlation.Pearson(a, b);
        rho[0, 0].ShouldBe(-1, 1e-12, "two points on a falling line");
        rho[0, 1].ShouldBe(1, 1e-12, "two points on a rising line");
    }

    [Test]
    public void Correlation_RefusesAVectorInEitherPlace()
    {
        using var scope = NewDisposeScope();
        Should.Throw<ArgumentException>(() => Correlation.Pearson(zeros(5, 3), zeros(5))).Message.ShouldContain("(N, k) matrices");
        Should.Throw<ArgumentException>(() => Correlation.Pearson(zeros(5, 3, 1), zeros(5, 3))).Message.ShouldContain("(N, k) matrices");
    }

    [Test]
    public void ATeacherExactlyAtTau_IsNotCovered()
    {
        var report = new SpecializationReport(1, new[,] { { 0.95, 0.2 }, { 0.2, 0.9500001 } }, new double[2, 2], [1, 1], [1, 1], new int[2, 2]);
        report.CoveredTeachers(0.95).ShouldBe([false, true], "covered means max_k rho_jk > tau, strictly");
        report.Coverage(0.95).ShouldBe(0.5);
    }

    [Test]
    public void WeightCosines_ExistOnlyAtTheLowestLayer()
    {
        var upper = new SpecializationReport(2, new[,] { { 0.9 } }, new double[1, 0], [1], [1], new int[1, 1]);
        Should.Throw<InvalidOperationException>(() => upper.BestCosinePerTeacher).Message.ShouldContain("layer 2");
        new SpecializationReport(1, new[,] { { 0.9, 0.1 } }, new[,] { { -0.5, 0.4 } }, [1, 1], [1], new int[1, 2])
            .BestCosinePerTeacher.ShouldBe([0.4], "the largest cosine, not the largest in size");
    }

    /// <summary>The signal of a three-layer pair (the recursion) against autograd, through the public entry point.</summary>
    [TestCase(1L)]
    [TestCase(2L)]
    public void TheSignalOfADeepPair_IsAutogradsLowestLayerSignal(long seed)
    {
        using var scope = NewDisposeScope();
        using var pair = Pair.Build(d: 5, teacherWidths: [3, 2], multi: 2, samples: 40, seed: seed, initStd: 0.5);
        var norms = LowestLayerSignal.Norms(pair.Teacher, pair.Student, pair.Data.Inputs);
        var reference = TensorOps.RowNorms(Autograd.Signals(pair.Student, pair.Data.Inputs, pair.Data.Targets)[0]).data<double>().ToArray();
        for (var i = 0; i < reference.Length; i++)
            norms.PerSample[i].ShouldBe(reference[i], 1e-10 * (1 + reference[i]), $"sample {i}, seed {seed}");
    }

    [Test]
    public void TheClosedForm_RefusesAPairOfWhichEitherIsDeep()
    {
        using var scope = NewDisposeScope();
        using var shallow = Teacher.Build(TeacherSpec.TwoLayer(4, 2, outputs: 3), 1);
        using var deep = Teacher.Build(new TeacherSpec(4, [3, 2], 3), 2);
        using var x = Inputs.Gaussian(10, 4, 4);
        Should.Throw<ArgumentException>(() => LowestLayerSignal.ClosedForm(shallow, deep, x)).Message.ShouldContain("two-layer");
        Should.Throw<ArgumentException>(() => LowestLayerSignal.ClosedForm(deep, shallow, x)).Message.ShouldContain("two-layer");
        using var otherOutputs = Teacher.Build(TeacherSpec.TwoLayer(4, 2, outputs: 5), 3);
        Should.Throw<ArgumentException>(() => LowestLayerSignal.Norms(shallow, otherOutputs, x)).Message.ShouldContain("differ in input or output dimension");
    }

    [Test]
    public void ADeadNode_CorrelatesZeroWithEverything_AndALiveOneByPearsonsFormula()
    {
        using var scope = NewDisposeScope();
        double[] x = [1, 2, 3, 4, 6], y = [2, 1, 4, 3, 7], dead = [5, 5, 5, 5, 5];
        var a = stack([tensor(x), tensor(dead)], 1);
        var b = stack([tensor(y), tensor(dead), tensor(x)], 1);
        var rho = Correlation.Pearson(a, b);
        double mx = x.Average(), my = y.Average();
        var pearson = x.Zip(y, (u, v) => (u - mx) * (v - my)).Sum() / Math.Sqrt(x.Sum(u => (u - mx) * (u - mx)) * y.Sum(v => (v - my) * (v - my)));
        pearson.ShouldBeInRange(0.5, 0.95, "the reference value sits strictly inside (-1, 1)");
        rho[0, 0].ShouldBe(pearson, 1e-12, "sum (x - mean)(y - mean) / sqrt(sum (x - mean)^2 sum (y - mean)^2)");
        rho[0, 2].ShouldBe(1, 1e-12, "a column with itself");
        for (var k = 0; k < 3; k++) rho[1, k].ShouldBe(0, $"the constant column of a against column {k} of b");
        rho[0, 1].ShouldBe(0, "against the constant column of b");
    }

    [Test]
    public void Losses_AreTheMeanSquareOverSamplesAndOutputs_AndTheObjectiveRescaledByTwoOverC()
    {
        using var scope = NewDisposeScope();
        var outputs = tensor(new[] { 1.0, 2.0, 3.0, 4.0 }).reshape(2, 2);
        var targets = tensor(new[] { 1.0, 0.0, 0.0, 4.0 }).reshape(2, 2);
        Losses.MeanSquaredError(outputs, targets).ShouldBe((0 + 4 + 9 + 0) / 4.0, 1e-15);

        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(3, 2, outputs: 4), 7);
        using var data = Dataset.Gaussian(teacher, 20, 8);
        Losses.MeanSquaredError(teacher, data).ShouldBe(0, 1e-24, "the teacher fits its own labels");
        using var other = Teacher.Build(TeacherSpec.TwoLayer(3, 2, outputs: 4), 9);
        using var predicted = other.forward(data.Inputs);
        var loss = Losses.MeanSquaredError(other, data);
        loss.ShouldBe((data.Targets - predicted).Squared().mean().item<double>(), 1e-12);
        loss.ShouldBeGreaterThan(0);

        Losses.FromObjective(0.5, 4).ShouldBe(0.25, "2 x 0.5 / 4");
        Losses.FromObjective(0.5, 1).ShouldBe(1.0, "one output is allowed");
        Should.Throw<ArgumentOutOfRangeException>(() => Losses.FromObjective(0.5, 0)).Message.ShouldContain("Output count must be >= 1");
    }

    [Test]
    public void TheRecursion_RefusesAPairOfDifferentDepths()
    {
        using var scope = NewDisposeScope();
        using var shallow = Teacher.Build(TeacherSpec.TwoLayer(4, 2, outputs: 3), 1);
        using var deep = Teacher.Build(new TeacherSpec(4, [3, 2], 3), 2);
        using var x = Inputs.Gaussian(10, 4, 4);
        Should.Throw<ArgumentException>(() => LowestLayerSignal.Recursive(deep, shallow, x)).Message.ShouldContain("same depth");
    }

    /// <summary>Every layer's report against its definition: correlations of that layer's activations, weight cosines at layer 1, fan-out norms of the layer above.</summary>
    [Test]
    public void EachLayersReport_ReadsThatLayersActivations_AndTheFanOutsAboveIt()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(new TeacherSpec(3, [2, 2], 2), 21);
        using var student = Teacher.Build(new TeacherSpec(3, [3, 4], 2), 22);
        using var x = Inputs.Gaussian(30, 3, 23);
        using var t = teacher.Trace(x);
        using var s = student.Trace(x);
        var reports = Specialization.AnalyzeAllLayers(teacher, student, x);
        reports.Select(r => r.Layer).ShouldBe([1, 2]);
        var tw = teacher.WeightArrays();
        var sw = student.WeightArrays();
        for (var l = 0; l < 2; l++)
        {
            var r = reports[l];
            var rho = Correlation.Pearson(t.Activations[l], s.Activations[l]);
            (r.Teachers, r.Students).ShouldBe((rho.GetLength(0), rho.GetLength(1)), $"layer {l + 1}");
            for (var j = 0; j < r.Teachers; j++)
                for (var k = 0; k < r.Students; k++)
                    r.Correlation[j, k].ShouldBe(rho[j, k], 1e-12, $"layer {l + 1}, rho[{j}, {k}]");
            r.Observation.ShouldBe(Specialization.Observation(t.PreActivations[l], student.Activation.Gate(s.PreActivations[l])), $"layer {l + 1}");
            r.StudentFanOutNorms.ShouldBe(FanOutNorms(sw[l + 1]), 1e-12, $"layer {l + 1}: rows of W_{l + 2} but the bias row");
            r.TeacherFanOutNorms.ShouldBe(FanOutNorms(tw[l + 1]), 1e-12, $"layer {l + 1}");
        }
        reports[1].Cosine.GetLength(1).ShouldBe(0, "no weight cosines above layer 1");
        for (var j = 0; j < 2; j++)
            for (var k = 0; k < 3; k++)
                reports[0].Cosine[j, k].ShouldBe(Cos(Column(tw[0], j), Column(sw[0], k)), 1e-12, $"cos(w*_{j}, w_{k}), augmented");
    }

    static double[] Column(double[,] w, int k) => Enumerable.Range(0, w.GetLength(0)).Select(i => w[i, k]).ToArray();

    static double Cos(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum() / Math.Sqrt(a.Sum(u => u * u) * b.Sum(v => v * v));

    static double[] FanOutNorms(double[,] w) =>
        Enumerable.Range(0, w.GetLength(0) - 1).Select(k => Math.Sqrt(Enumerable.Range(0, w.GetLength(1)).Sum(o => w[k, o] * w[k, o]))).ToArray();
}
