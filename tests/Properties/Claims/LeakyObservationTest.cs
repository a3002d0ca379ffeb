using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.TestSupport;
using static TorchSharp.torch;
using Verify.Conjectures;

namespace Verify.Properties.Claims;

/// <summary>
/// The leaky observation, as what it is: an identity, not a claim. A leaky student's gate never
/// closes, so obs[j, k] = min(#{x: t_j(x) &gt; 0}, #{x: t_j(x) &lt;= 0}) for every student k: the
/// observation count does not depend on the student at all, and "every leaky student observes every
/// boundary the data straddles" restates the hypothesis. The consequence the paper draws from it
/// (with leaky ReLU the core argument reaches every teacher with alpha_kj != 0, so un-specialized
/// nodes must lose their fan-out) is judged as claims 2 and 4 (CoreArgumentTest, VanishingTest);
/// this is why the observation left the claims table. The identity is checked against the
/// observation count the analysis computes, and shown to fail for ReLU students.
/// </summary>
[TestFixture]
public sealed class LeakyObservationTest
{
    /// <summary>Generated leaky pairs (untrained students, init std 1), Gaussian or teacher-aware data.</summary>
    [Conjecture(MaxTest = 30)]
    public Property ObservationOfALeakyStudent_IsTheTeachersSplitOfTheData() =>
        Prop.ForAll(Arb.From(ClaimGen.OverRealized(ClaimGen.Teachers(maxD: 6, maxWidth: 4, leaky: false).Select(t => t with { Leak = 0.1 }), teacherAware: true), ClaimGen.ShrinkTraining), c =>
        {
            using var scope = NewDisposeScope();
            using var teacher = c.Teacher.Build();
            using var data = c.BuildData(teacher);
            using var student = Student.OverRealized(teacher, c.Multi, Verify.Model.Runtime.Seeds.Of(c.Teacher.Seed, "student"), initStd: 1.0);
            var mismatch = Mismatches(teacher, student, data.Inputs);
            return (mismatch == 0).Label($"{c}: {mismatch} obs entries differ from the teacher's split").Classify(c.Data == DataKind.TeacherAware, "teacher-aware data");
        });

    /// <summary>Control: the identity needs the open gate. A ReLU student with a dead node breaks it (its column of obs is 0).</summary>
    [TestCase(4, 3, 112L)]
    public void ObservationOfAReluStudentWithADeadNode_IsNotTheTeachersSplit(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 3), streams.Teacher);
        using var data = Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, initStd: 1.0);
        using (no_grad()) student.Weights[0][-1, 0] = tensor(-1e3, dtype: ScalarType.Float64); // bias -1000: never active
        Mismatches(teacher, student, data.Inputs).ShouldBeGreaterThanOrEqualTo(m, "the dead node's whole column differs");
    }

    /// <summary>Entries of obs[j, k] (from the analysis) that differ from min(#{t_j &gt; 0}, #{t_j &lt;= 0}).</summary>
    static int Mismatches(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        var report = Specialization.Analyze(teacher, student, inputs);
        using var noGrad = no_grad();
        using var trace = teacher.Trace(inputs);
        var pre = RectifiedNetwork.ToArray(trace.PreActivations[0].to(ScalarType.Float64, CPU));
        var mismatches = 0;
        for (var j = 0; j < report.Teachers; j++)
        {
            var above = Enumerable.Range(0, pre.GetLength(0)).Count(i => pre[i, j] > 0);
            var split = Math.Min(above, pre.GetLength(0) - above);
            for (var k = 0; k < report.Students; k++)
                if (report.Observation[j, k] != split) mismatches++;
        }
        return mismatches;
    }
}
