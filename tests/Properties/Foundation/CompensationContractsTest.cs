using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;
using static Verify.Properties.Foundation.HandBuilt;

namespace Verify.Properties.Foundation;

/// <summary>
/// Every number of <see cref="Compensation.Measure"/> against its definition, computed here point by
/// point from the inputs and the hand-built weights (the teacher's outputs from its own forward pass):
/// the residue of an uncompensated mirror, the mirror's correlation, which nodes are affine on the data
/// (a node's output against its own linear extension, with fan-outs of several outputs), hyperplane
/// groups of unequal norms, groups on a teacher's hyperplane, the co-linear groups and their measured
/// output; and the helpers (kink deviation, centred RMS, Pearson) on values worked by hand.
/// <see cref="CompensationTest"/> has the compensation cases themselves.
/// </summary>
[TestFixture]
public sealed class CompensationContractsTest
{
    static Tensor Data() => Inputs.Gaussian(300, D, Seeds.Of(20261127, "compensation-contract-inputs"));

    static double[,] X(Tensor inputs) => RectifiedNetwork.ToArray(inputs);

    /// <summary>w^T x~ at every input.</summary>
    static double[] Pre(double[,] x, double[] w) =>
        Enumerable.Range(0, x.GetLength(0)).Select(i => Enumerable.Range(0, D).Sum(q => x[i, q] * w[q]) + w[D]).ToArray();

    static double Sigma(double u, double c) => Math.Max(u, c * u);

    /// <summary>sqrt(mean_i sum_o (a_io - mean_o)^2) of per-input output vectors.</summary>
    static double Spread(double[][] a)
    {
        var outputs = a[0].Length;
        var means = Enumerable.Range(0, outputs).Select(o => a.Average(r => r[o])).ToArray();
        return Math.Sqrt(a.Average(r => Enumerable.Range(0, outputs).Sum(o => (r[o] - means[o]) * (r[o] - means[o]))));
    }

    static double[][] TeacherOutputs(RectifiedNetwork teacher, Tensor inputs)
    {
        using var y = teacher.forward(inputs);
        var a = RectifiedNetwork.ToArray(y);
        return Enumerable.Range(0, a.GetLength(0)).Select(i => Enumerable.Range(0, a.GetLength(1)).Select(o => a[i, o]).ToArray()).ToArray();
    }

    static RectifiedNetwork Teacher(Activation a, int outputs = 1) =>
        new([Columns(W0, W1), FanOuts(Enumerable.Repeat(1.0, outputs).ToArray(), Enumerable.Range(0, outputs).Select(o => 0.5 + o).ToArray())], a);

    [TestCase(0.0), TestCase(0.1)]
    public void AnUncompensatedMirror_LeavesItsLinearTermAsTheResidue(double leak)
    {
        using var scope = NewDisposeScope();
        var activation = leak == 0 ? Activation.Relu : Activation.LeakyRelu(leak);
        using var teacher = Teacher(activation, outputs: 2);
        var inputs = Data();
        // Node 0 copies teacher 0, node 1 mirrors teacher 1 at twice its scale, node 2 points elsewhere.
        var mirror = Scaled(W1, -2);
        var other = new double[] { 0.3, -0.2, 1, 0.05 };
        double[] v0 = [1, 0.5], v1 = [0.7, -0.4], v2 = [0.2, 0.3];
        using var student = new RectifiedNetwork([Columns(W0, mirror, other), FanOuts(v0, v1, v2)], activation);

        var report = Compensation.Measure(teacher, student, inputs);
        report.MirroredTeacher.ShouldBe([-1, 1, -1], "node 1 is -2 w*_1; node 2 sits at |cos| < 0.95 to both teachers, so mirrors nobody");
        report.Mirrors.ShouldBe(1);
        report.AffineOnData.ShouldBe([false, false, false], "every node kinks inside the data");

        // r(x) = (1 + c) v_1 w_1^T x~ alone: the copy and the other node are neither mirrors nor affine.
        var x = X(inputs);
        var u1 = Pre(x, mirror);
        var r = u1.Select(u => v1.Select(v => (1 + leak) * u * v).ToArray()).ToArray();
        var expected = Spread(r) / Spread(TeacherOutputs(teacher, inputs));
        report.Residue.ShouldBe(expected, 1e-9 * expected, "RMS of the centred linear term over the teacher's output spread");

        // The mirror's correlation: sigma(-w_1^T x~) against teacher 1's activation; exactly 1 (the rewritten node is 2 sigma(w*_1^T x~)).
        report.MirrorCorrelation[1].ShouldBe(1, 1e-9);
        double.IsNaN(report.MirrorCorrelation[0]).ShouldBeTrue("no correlation for a node that mirrors nobody");
        double.IsNaN(report.MirrorCorrelation[2]).ShouldBeTrue();
    }

    [Test]
    public void ANearMirror_CorrelatesAsItsRewrittenActivationDoes()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher(Activation.Relu);
        var inputs = Data();
        var near = new double[] { -1, 0.25, 0.1, -0.1 }; // cos about -0.96 to w*_0
        using var student = new RectifiedNetwork([Columns(near), FanOuts([1.0])], Activation.Relu);

        var report = Compensation.Measure(teacher, student, inputs);
        report.MirroredTeacher.ShouldBe([0]);
        var x = X(inputs);
        var rewritten = Pre(x, near).Select(u => Sigma(-u, 0)).ToArray();
        var teacher0 = Pre(x, W0).Select(u => Sigma(u, 0)).ToArray();
        var expected = MathNet.Numerics.Statistics.Correlation.Pearson(rewritten, teacher0);
        expected.ShouldBeLessThan(0.999, "a near mirror is not an exact one");
        report.MirrorCorrelation[0].ShouldBe(expected, 1e-9);
    }

    [Test]
    public void AMirrorOfADeadTeacherNode_CorrelatesZero_NotNaN()
    {
        using var scope = NewDisposeScope();
        var dead = new double[] { 0, 1, 0, -50 }; // never active on inputs of std 1
        using var teacher = new RectifiedNetwork([Columns(W0, dead), FanOuts([1.0], [1.0])], Activation.Relu);
        using var student = new RectifiedNetwork([Columns(Scaled(dead, -1)), FanOuts([1.0])], Activation.Relu);

        var report = Compensation.Measure(teacher, student, Data());
        report.MirroredTeacher.ShouldBe([1]);
        report.MirrorCorrelation[0].ShouldBe(0, "a constant activation correlates 0 with anything");
    }

    [Test]
    public void ANodeIsAffine_WhenItsKinkMovesItsOutputByAtMostOnePercentOfTheSpread_OverEveryOutput()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher(Activation.Relu, outputs: 2);
        var inputs = Data();
        var x = X(inputs);
        var spread = Spread(TeacherOutputs(teacher, inputs));
        // A node whose kink grazes the data: w = e_0 with bias 2.2, inactive on the few inputs with x_0 < -2.2.
        var grazing = new double[] { 1, 0, 0, 2.2 };
        var u = Pre(x, grazing);
        u.Count(v => v <= 0).ShouldBeInRange(1, 30, "the kink grazes a few of the 300 inputs");
        // Its output departs from its linear extension v u by v sigma(u) - v u: RMS over inputs of ||v|| |u| on the inactive side.
        var deviationPerUnitFanOut = Math.Sqrt(u.Average(v => v > 0 ? 0 : v * v));
        var atThreshold = Compensation.MaxResidue * spread / deviationPerUnitFanOut;

        bool Affine(double[] fanOut)
        {
            using var student = new RectifiedNetwork([Columns(grazing), FanOuts(fanOut)], Activation.Relu);
            return Compensation.Measure(teacher, student, inputs).AffineOnData[0];
        }
        // Equal components: the norm is sqrt 2 times either component, so the largest component alone would misread it.
        var e = 1 / Math.Sqrt(2);
        Affine([0.9 * atThreshold * e, 0.9 * atThreshold * e]).ShouldBeTrue("||v|| at 0.9 of the threshold");
        Affine([1.1 * atThreshold * e, 1.1 * atThreshold * e]).ShouldBeFalse("||v|| at 1.1 of the threshold, each component below it");
        Affine([0.9 * atThreshold, 0]).ShouldBeTrue();
        Affine([0, -1.1 * atThreshold]).ShouldBeFalse("a negative fan-out counts by its size");
    }

    [TestCase(0.0), TestCase(0.1)]
    public void AGroupOfUnequalNorms_IsAffine_WhenItsKinkWeightsCancel(double leak)
    {
        using var scope = NewDisposeScope();
        var activation = leak == 0 ? Activation.Relu : Activation.LeakyRelu(leak);
        using var teacher = Teacher(activation);
        var inputs = Data();
        // q (unit) and -2 q with fan-outs 2 and -1: kink weights 2 x 1 and -1 x 2 cancel; each node alone kinks inside the data.
        var q = Scaled(new double[] { 0.6, 0.8, 0, 0.1 }, 1 / Math.Sqrt(0.36 + 0.64 + 0.01));
        using var cancelling = new RectifiedNetwork([Columns(q, Scaled(q, -2)), FanOuts([2.0], [-1.0])], activation);
        Compensation.Measure(teacher, cancelling, inputs).AffineOnData.ShouldBe([true, true], "J = 2 x 1 - 1 x 2 = 0");

        // Fan-outs 2 and -2: J = 2 - 4 = -2, the group kinks (read by the norms, not the fan-outs alone).
        using var kinked = new RectifiedNetwork([Columns(q, Scaled(q, -2)), FanOuts([2.0], [-2.0])], activation);
        Compensation.Measure(teacher, kinked, inputs).AffineOnData.ShouldBe([false, false]);
    }

    [Test]
    public void APairOnATeachersHyperplane_CarriesThatTeachersKink_NotACompensation()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher(Activation.Relu);
        // w*_0 and -w*_0 with fan-outs 1 and -1: their kinks cancel, but they lie on teacher 0's hyperplane (not teacher 1's).
        using var student = new RectifiedNetwork([Columns(W0, Scaled(W0, -1)), FanOuts([1.0], [-1.0])], Activation.Relu);

        var report = Compensation.Measure(teacher, student, Data());
        report.AffineOnData.ShouldBe([false, false], "a group on any one teacher's hyperplane is that teacher's node and its mirror");
        report.MirroredTeacher.ShouldBe([-1, 0]);
    }

    [Test]
    public void CoLinearGroups_AreTransitive_AndMeasureTheirJointOutputPerUnitActivation()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher(Activation.Relu, outputs: 2);
        var inputs = Data();
        var x = X(inputs);
        // Nodes 0, 2 and 3 point the same way (scales 1, 2, 0.5); node 1 elsewhere; node 4 opposite node 0 (not co-linear: cos -1).
        var a = new double[] { 0.3, -0.5, 0.8, 0.2 };
        var b = new double[] { 1, 0.2, -0.3, 0 };
        double[][] columns = [a, b, Scaled(a, 2), Scaled(a, 0.5), Scaled(a, -1)];
        double[][] fanOuts = [[1, -0.5], [0.3, 0.3], [-0.2, 0.4], [0.6, 0.1], [0.25, -0.75]];
        using var student = new RectifiedNetwork([Columns(columns), FanOuts(fanOuts)], Activation.Relu);

        var report = Compensation.Measure(teacher, student, inputs);
        report.ColinearGroup.ShouldBe([0, 1, 0, 0, 4]);

        // RMS_x ||sum over the group v_q sigma(w_q^T x~)|| over the largest RMS_x sigma(w_q^T x~) in the group.
        double Expected(int[] members)
        {
            var acts = members.Select(k => Pre(x, columns[k]).Select(u => Sigma(u, 0)).ToArray()).ToArray();
            var joint = Math.Sqrt(Enumerable.Range(0, x.GetLength(0)).Average(i =>
                Enumerable.Range(0, 2).Sum(o => Math.Pow(members.Select((k, m) => acts[m][i] * fanOuts[k][o]).Sum(), 2))));
            return joint / acts.Max(act => Math.Sqrt(act.Average(v => v * v)));
        }
        var group = Expected([0, 2, 3]);
        report.GroupOutput[0].ShouldBe(group, 1e-9 * group);
        report.GroupOutput[2].ShouldBe(group, 1e-9 * group);
        report.GroupOutput[3].ShouldBe(group, 1e-9 * group);
        report.GroupOutput[1].ShouldBe(Expected([1]), 1e-9);
        report.GroupOutput[4].ShouldBe(Expected([4]), 1e-9);
        report.GroupOutput[1].ShouldBe(Math.Sqrt(0.3 * 0.3 + 0.3 * 0.3), 1e-9, "a node alone: its fan-out norm");
    }

    [Test]
    public void DeeperPairs_AreRefusedByName()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher(Activation.Relu);
        using var deep = new RectifiedNetwork([Columns(W0, W1), Columns([1, 0, 0], [0, 1, 0]), FanOuts([1.0], [1.0])], Activation.Relu);
        Should.Throw<ArgumentException>(() => Compensation.Measure(teacher, deep, Data())).Message.ShouldContain("compensation of mirrors is measured on two-layer networks");
    }

    [Test]
    public void KinkDeviation_IsTheRmsOfWhatTheMinoritySideLosesToTheLinearExtension()
    {
        // Most inputs active: the one inactive input at -0.5 departs by (1 - c) 0.5.
        Compensation.KinkDeviation([1, 2, 3, -0.5], 0.1).ShouldBe(Math.Sqrt(0.45 * 0.45 / 4), 1e-15);
        Compensation.KinkDeviation([1, 2, 3, -0.5], 0).ShouldBe(Math.Sqrt(0.25 / 4), 1e-15);
        // Most inputs inactive: the active one at 2 departs by (1 - c) 2.
        Compensation.KinkDeviation([-1, -2, -3, 2], 0.1).ShouldBe(Math.Sqrt(1.8 * 1.8 / 4), 1e-15);
        // A tie reads as active; an input exactly at 0 is on neither side's extension error.
        Compensation.KinkDeviation([1, -1], 0).ShouldBe(Math.Sqrt(0.5), 1e-15);
        Compensation.KinkDeviation([0, 0, 1], 0).ShouldBe(Math.Sqrt(1.0 / 3), 1e-15, "zeros count as inactive: the majority, so the active input departs");
        Compensation.KinkDeviation([-1, -2], 0.3).ShouldBe(0, "one-signed: exactly 0");
        Compensation.KinkDeviation([1, 2], 0.3).ShouldBe(0);
    }

    [Test]
    public void Sigma_IsTheLeakyRectifier()
    {
        Compensation.Sigma(2, 0.1).ShouldBe(2);
        Compensation.Sigma(-2, 0.1).ShouldBe(-0.2, 1e-15);
        Compensation.Sigma(-2, 0).ShouldBe(0);
    }

    [Test]
    public void CentredRms_AndPearson_AsDefined()
    {
        // Columns (1, 3) and (2, 2, ...): centred RMS sqrt(mean over rows of the summed squared deviations).
        Compensation.CentredRms(new double[,] { { 1, 5 }, { 3, 5 } }).ShouldBe(1, 1e-15, "deviations +-1 in the first column, 0 in the second");
        Compensation.CentredRms(new double[,] { { 1, 0 }, { 3, 4 } }).ShouldBe(Math.Sqrt((1 + 1 + 4 + 4) / 2.0), 1e-15);
        double[] a = [1, 2, 3, 5], b = [2, 1, 4, 9];
        Compensation.Pearson(a, b).ShouldBe(MathNet.Numerics.Statistics.Correlation.Pearson(a, b), 1e-12);
        Compensation.Pearson(a, [3, 3, 3, 3]).ShouldBe(0, "a constant correlates 0");
        Compensation.Pearson([3, 3, 3, 3], b).ShouldBe(0);
        Compensation.Pearson(a, a.Select(v => -2 * v).ToArray()).ShouldBe(-1, 1e-12);
    }
}
