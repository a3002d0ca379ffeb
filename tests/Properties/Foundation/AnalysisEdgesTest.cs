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
/// to the recursion, and the inputs it must refuse. Found by mutation testing (docs/mutation.md):
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
}
