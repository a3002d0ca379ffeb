using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>
/// Claim 2's slope jumps (<see cref="BoundaryJumps"/>) on hand-built two-layer networks in d = 2,
/// where the jump follows from the doc comment's statement: the teacher node j = 0 has its boundary
/// on x_1 = 0 (w*_0 = 2 e_1, v*_0 = (1, 0.5)), so crossing it adds (1 - c) (2, 1) e_1^T to the slope of
/// f* - f; a student node whose kink is elsewhere changes nothing there, and one co-linear with w*_0
/// adds its own jump. The ten inputs sit at x_1 = +-0.01 (i + 1), x_2 = i - 4.5, so the eight nearest
/// the boundary are i = 0..7. Student nodes 0-2 are horizontal kinks: node 0 open on every input,
/// node 1 closed on every input, node 2 (w = (0, 2, 7), a normal of norm 2) with its kink on input 1
/// (x_2 = -3.5), open above it.
/// </summary>
[TestFixture]
public sealed class BoundaryJumpsContractsTest
{
    static readonly double[] V0 = [1, 0.5], V1 = [0.3, -1], V2 = [-1, 1];

    static RectifiedNetwork Net(double[][] nodes, double[][] fanOuts, double leak)
    {
        using var scope = NewDisposeScope();
        int d = nodes[0].Length - 1, n = nodes.Length, c = fanOuts[0].Length;
        var w1 = zeros([d + 1, n], ScalarType.Float64);
        var w2 = zeros([n + 1, c], ScalarType.Float64);
        for (var k = 0; k < n; k++)
        {
            for (var q = 0; q <= d; q++) w1[q, k] = tensor(nodes[k][q], ScalarType.Float64);
            for (var o = 0; o < c; o++) w2[k, o] = tensor(fanOuts[k][o], ScalarType.Float64);
        }
        return new RectifiedNetwork([w1, w2], leak == 0 ? Activation.Relu : Activation.LeakyRelu(leak));
    }

    // w*_0 = 2 e_1 with v*_0 = (1, 0.5): the function (2, 1) sigma(x_1), with a normal of norm 2 so that no normalization can be skipped.
    static RectifiedNetwork TheTeacher(double leak) => Net([[2, 0, 0]], [[1, 0.5]], leak);

    /// <summary>Student nodes 0-2, then <paramref name="extra"/> (node 3 on).</summary>
    static RectifiedNetwork Student(double leak, params (double[] W, double[] V)[] extra) =>
        Net([[0, 1, 5], [0, -1, -5], [0, 2, 7], .. extra.Select(e => e.W)], [V0, V1, V2, .. extra.Select(e => e.V)], leak);

    static Tensor Inputs()
    {
        var x = new double[20];
        for (var i = 0; i < 10; i++) { x[2 * i] = 0.01 * (i + 1) * (i % 2 == 0 ? 1 : -1); x[2 * i + 1] = i - 4.5; }
        return tensor(x, [10, 2], ScalarType.Float64);
    }

    [Test]
    public void WithNoStudentKinkOnTheBoundary_EveryOpenStudentSeesTheTeachersOwnJump()
    {
        using var scope = NewDisposeScope();
        using var teacher = TheTeacher(0);
        using var student = Student(0);
        var r = BoundaryJumps.Measure(teacher, student, Inputs());

        (r.Teachers, r.Students).ShouldBe((1, 3));
        r.ColinearStudents.ShouldBe([0]);
        r.Points[0, 0].ShouldBe(7, "the 8 nearest inputs but input 1, whose probes would straddle node 2's kink");
        r.Points[0, 1].ShouldBe(0, "a closed ReLU node does not see the boundary");
        r.Points[0, 2].ShouldBe(6, "node 2 is open on inputs 2..7 only");
        foreach (var k in new[] { 0, 2 })
        {
            r.Ratio[0, k].ShouldBe(1, 1e-6, $"student {k}: ||J|| / ||P|| with P = (1 - c) alpha w*");
            r.OutputRatio[0, k].ShouldBe(1, 1e-6, $"student {k}: the residual's jump is the teacher's");
            r.Cosine[0, k].ShouldBe(1, 1e-6, $"student {k}: J points along P");
        }
        double.IsNaN(r.Ratio[0, 1]).ShouldBeTrue("not measured: NaN");
        double.IsNaN(r.OutputRatio[0, 1]).ShouldBeTrue();
        double.IsNaN(r.Cosine[0, 1]).ShouldBeTrue();
    }

    [Test]
    public void ALeakyStudentSeesTheBoundaryFromEveryNode_AndTheJumpCarriesOneMinusTheLeak()
    {
        using var scope = NewDisposeScope();
        using var teacher = TheTeacher(0.1);
        using var student = Student(0.1);
        var r = BoundaryJumps.Measure(teacher, student, Inputs());
        for (var k = 0; k < 3; k++)
        {
            r.Points[0, k].ShouldBe(7, $"student {k}: a leaky node is never closed");
            r.Ratio[0, k].ShouldBe(1, 1e-6, $"student {k}: measured (1 - c) alpha w*, c = 0.1");
            r.OutputRatio[0, k].ShouldBe(1, 1e-6, $"student {k}");
        }
    }

    [TestCase(0.0)]
    [TestCase(0.1)]
    public void AStudentCopyOfTheTeacherNode_CancelsTheJump(double leak)
    {
        using var scope = NewDisposeScope();
        using var teacher = TheTeacher(leak);
        using var student = Student(leak, ([1, 0, 0], [2, 1]));
        var r = BoundaryJumps.Measure(teacher, student, Inputs());
        r.ColinearStudents.ShouldBe([1]);
        r.Points[0, 3].ShouldBe(0, "the copy's own gate flips across the boundary");
        r.Points[0, 0].ShouldBe(7);
        r.Ratio[0, 0].ShouldBe(0, 1e-6, "no jump left in the residual");
        r.OutputRatio[0, 0].ShouldBe(0, 1e-6);
        r.Cosine[0, 0].ShouldBe(0, "a vanished jump has no direction: cosine 0");
    }

    [Test]
    public void AMirroredStudent_IsCoLinear_AndItsJumpAddsToTheTeachers()
    {
        using var scope = NewDisposeScope();
        using var teacher = TheTeacher(0);
        // v sigma(-x_1) has slope -v on the negative side and 0 on the positive: crossing adds +v, as the teacher's node does.
        using var student = Student(0, ([-1, 0, 0], [2, 1]));
        var r = BoundaryJumps.Measure(teacher, student, Inputs());
        r.ColinearStudents.ShouldBe([1], "|cos| >= 0.95 counts a mirror");
        r.Points[0, 0].ShouldBe(7, "the mirror's kink is not an obstacle to probing");
        r.Ratio[0, 0].ShouldBe(0, 1e-6, "f* - f jumps by (2, 1) - (2, 1)");
    }

    [Test]
    public void ACoLinearKinkOffTheBoundary_WidensTheProbes_AndItsJumpIsIncluded()
    {
        using var scope = NewDisposeScope();
        using var teacher = TheTeacher(0);
        // Node 3: kink on x_1 = 0.3 (cos 0.958 with w*_0, augmented) with half the teacher's fan-out, so the residual jumps by half
        // the teacher's. The probes reach 2 x 0.3 = 0.6 either side; inputs with another kink within 1.2 (x_2 <= -2.5) are skipped.
        using var student = Student(0, ([1, 0, -0.3], [1, 0.5]));
        var r = BoundaryJumps.Measure(teacher, student, Inputs());
        r.ColinearStudents.ShouldBe([1]);
        r.Points[0, 0].ShouldBe(5, "inputs 3..7 (x_2 = -1.5 .. 2.5) are more than 1.2 from every other kink");
        r.Ratio[0, 0].ShouldBe(0.5, 1e-6);
        r.OutputRatio[0, 0].ShouldBe(0.5, 1e-6);
        r.Cosine[0, 0].ShouldBe(1, 1e-6);
        r.Points[0, 2].ShouldBe(5);
        r.Ratio[0, 2].ShouldBe(0.5, 1e-6, "student 2 sees the same half jump: J_k = v_k^T (P / 2) for every k");
    }

    [Test]
    public void DeeperNetworks_AreRefused()
    {
        using var scope = NewDisposeScope();
        using var teacher = TheTeacher(0);
        using var deep = new RectifiedNetwork([ones(3, 2, dtype: ScalarType.Float64), ones(3, 2, dtype: ScalarType.Float64), ones(3, 2, dtype: ScalarType.Float64)], Activation.Relu);
        Should.Throw<ArgumentException>(() => BoundaryJumps.Measure(teacher, deep, Inputs())).Message.ShouldContain("two-layer");
        Should.Throw<ArgumentException>(() => BoundaryJumps.Measure(deep, teacher, Inputs())).Message.ShouldContain("two-layer");
    }
}
