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
/// The analysis record's numbers against independent plain-loop references: the observation count,
/// the coverage fraction, the maximum per-sample signal (the theorem's precondition) and the input
/// guards. Each is a number a claim judges, so a slip in any of them would change a verdict.
/// </summary>
[TestFixture]
public sealed class AnalysisContractsTest
{
    [TestCase(0.0, 1L)]
    [TestCase(0.1, 2L)]
    [TestCase(0.0, 3L)]
    public void TheObservationCount_IsTheSmallerSideOfEachTeacherBoundary_AmongSamplesWhereTheStudentIsOpen(double slope, long seed)
    {
        using var scope = NewDisposeScope();
        var rng = new TorchSharp.torch.Generator((ulong)Seeds.Of(seed, "train-inputs"));
        var teacherPre = randn([40, 3], dtype: ScalarType.Float64, generator: rng);
        teacherPre[0, 0] = tensor(0.0, dtype: ScalarType.Float64); // exactly on a boundary: counts as the non-positive side
        var studentPre = randn([40, 4], dtype: ScalarType.Float64, generator: rng);
        var gate = (slope == 0 ? Activation.Relu : Activation.LeakyRelu(slope)).Gate(studentPre);

        var obs = Specialization.Observation(teacherPre, gate);

        var t = RectifiedNetworkArrays(teacherPre);
        var g = RectifiedNetworkArrays(gate);
        for (var j = 0; j < 3; j++)
            for (var k = 0; k < 4; k++)
            {
                int above = 0, below = 0;
                for (var i = 0; i < 40; i++)
                {
                    if (g[i, k] == 0) continue;
                    if (t[i, j] > 0) above++; else below++;
                }
                obs[j, k].ShouldBe(Math.Min(above, below), $"obs[{j}, {k}] (slope {slope}, seed {seed}): {above} open samples above, {below} below");
            }
    }

    static double[,] RectifiedNetworkArrays(Tensor t) => RectifiedNetwork.ToArray(t);

    [Test]
    public void Coverage_CountsTeachersAboveTau_AsAFractionOfTheTeachers()
    {
        var report = new SpecializationReport(1,
            Correlation: new[,] { { 0.99, 0.20 }, { 0.50, 0.96 }, { 0.10, 0.30 } },
            Cosine: new double[3, 2], StudentFanOutNorms: [1, 1], TeacherFanOutNorms: [1, 1, 1], Observation: new int[3, 2]);
        report.Covered(0.95).ShouldBe(2);
        report.Coverage(0.95).ShouldBe(2.0 / 3.0, 1e-15);
        report.Coverage(0.97).ShouldBe(1.0 / 3.0, 1e-15);
        report.CoveredTeachers(0.95).ShouldBe([true, true, false]);
        report.BestStudentPerTeacher.ShouldBe([0, 1, 1]);
        report.BestTeacherPerStudent.ShouldBe([0, 1]);
        report.BestCorrelationPerStudent.ShouldBe([0.99, 0.96]);
    }

    [TestCase(1L)]
    [TestCase(2L)]
    public void TheMaximumSignal_IsTheLargestPerSampleNorm_AsAutogradComputesIt(long seed)
    {
        using var scope = NewDisposeScope();
        using var pair = Pair.Build(d: 6, teacherWidths: [3], multi: 2, samples: 64, seed: seed);
        var norms = LowestLayerSignal.Norms(pair.Teacher, pair.Student, pair.Data.Inputs);
        var reference = TensorOps.RowNorms(Autograd.Signals(pair.Student, pair.Data.Inputs, pair.Data.Targets)[0]).data<double>().ToArray();

        norms.PerSample.Length.ShouldBe(64);
        for (var i = 0; i < reference.Length; i++)
            norms.PerSample[i].ShouldBe(reference[i], 1e-10 * (1 + reference[i]), $"sample {i}, seed {seed}");
        norms.Max.ShouldBe(reference.Max(), 1e-10 * (1 + reference.Max()), $"seed {seed}: the precondition is the largest per-sample norm");
        norms.Max.ShouldBeGreaterThan(reference.Min() * 1.01, $"seed {seed}: per-sample norms must vary, or max and min could not be told apart");
        norms.ArgMax.ShouldBe(Array.IndexOf(reference, reference.Max()));
    }

    [Test]
    public void Correlation_RefusesInputsItCannotCorrelate_NamingTheShapes()
    {
        using var scope = NewDisposeScope();
        Should.Throw<ArgumentException>(() => Correlation.Pearson(zeros(5, 2), zeros(4, 3))).Message.ShouldContain("[5, 2] and [4, 3]");
        Should.Throw<ArgumentException>(() => Correlation.Pearson(zeros(5), zeros(5, 3))).Message.ShouldContain("(N, k) matrices");
        Should.Throw<ArgumentException>(() => Correlation.Pearson(ones(1, 2), ones(1, 2))).Message.ShouldContain("at least two samples");
    }

    [Test]
    public void TheAnalysis_RefusesPairsOfDifferentShape_NamingTheMismatch()
    {
        using var scope = NewDisposeScope();
        using var shallow = Teacher.Build(TeacherSpec.TwoLayer(4, 2, outputs: 3), 1);
        using var deep = Teacher.Build(new TeacherSpec(4, [3, 2], 3), 2);
        using var wide = Teacher.Build(TeacherSpec.TwoLayer(5, 2, outputs: 3), 3);
        using var x = Inputs.Gaussian(10, 4, 4);
        Should.Throw<ArgumentException>(() => LowestLayerSignal.Norms(shallow, deep, x)).Message.ShouldContain("same depth");
        Should.Throw<ArgumentException>(() => LowestLayerSignal.Norms(shallow, wide, x)).Message.ShouldContain("differ in input or output dimension");
        Should.Throw<ArgumentException>(() => LowestLayerSignal.ClosedForm(deep, deep, x)).Message.ShouldContain("two-layer");
        Should.Throw<ArgumentException>(() => Specialization.Analyze(shallow, deep, x)).Message.ShouldContain("same depth");
        Should.Throw<ArgumentOutOfRangeException>(() => Specialization.Analyze(deep, deep, x, layer: 3)).Message.ShouldContain("1..2");
        Should.Throw<ArgumentOutOfRangeException>(() => Specialization.Analyze(deep, deep, x, layer: 0)).Message.ShouldContain("1..2");
    }
}
