using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Properties.Generators;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// With leaky ReLU every student node observes every teacher boundary: all obs[j, k] &gt; 0 on data
/// that straddles every teacher boundary, whatever the student's weights. Negative controls: data
/// that never crosses one teacher's boundary, and a ReLU student with a dead node.
/// </summary>
[TestFixture]
public sealed class LeakyObservationTest
{
    /// <summary>The untrained leaky students of the fresh cases (one per leaky case drawn), judged by the report's judge.</summary>
    [Test, Judges("leaky-observation")]
    public void EveryBoundaryObservationEntryIsPositive_OnTheFreshCases() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, LeakyObservationClaim.Info, ClaimRuns.TwoLayerJudge(LeakyObservationClaim.Info));

    /// <summary>Generated cases with teacher-aware data too, drawn by FsCheck from the run seed, shrinking toward small networks.</summary>
    [Conjecture(MaxTest = 30)]
    public Property EveryBoundaryObservationEntryIsPositive_ForLeakyStudents() =>
        Prop.ForAll(Arb.From(ClaimGen.OverRealized(ClaimGen.Teachers(maxD: 6, maxWidth: 4, leaky: false).Select(t => t with { Leak = 0.1 }), teacherAware: true), ClaimGen.ShrinkTraining), c =>
        {
            using var scope = NewDisposeScope();
            using var teacher = c.Teacher.Build();
            using var data = c.BuildData(teacher);
            using var student = Student.OverRealized(teacher, c.Multi, Verify.Model.Runtime.Seeds.Of(c.Teacher.Seed, "student"), initStd: 1.0);
            var outcome = LeakyObservationClaim.Judge(teacher, student, data.Inputs);
            TestContext.Out.WriteLine(outcome);
            return (outcome.Verdict == Verdict.Holds).Label($"{c}: {outcome}").Classify(c.Data == DataKind.TeacherAware, "teacher-aware data");
        });

    [TestCase(4, 3, 111L)]
    public void DataThatNeverCrossesABoundary_LeavesItUnobserved(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 3, activation: Activation.LeakyRelu(0.1)), streams.Teacher);
        using var inputs = ClaimBuilders.NeverCrossing(teacher, Inputs.Gaussian(200, d, streams.Data), node: 1);
        using var student = Student.OverRealized(teacher, 2, streams.Student, initStd: 1.0);
        var outcome = LeakyObservationClaim.Judge(teacher, student, inputs);
        TestContext.Out.WriteLine(outcome);
        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, $"the hypothesis (data straddles every boundary) is broken: {outcome}");
    }

    [TestCase(4, 3, 112L)]
    public void ReluStudentWithADeadNode_MissesBoundaries(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 3), streams.Teacher);
        using var data = Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, initStd: 1.0);
        using (no_grad()) student.Weights[0][-1, 0] = tensor(-1e3, dtype: ScalarType.Float64); // bias -1000: never active
        var outcome = LeakyObservationClaim.Judge(teacher, student, data.Inputs);
        TestContext.Out.WriteLine(outcome);
        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, $"the hypothesis (a leaky student) is broken: {outcome}");
    }
}
