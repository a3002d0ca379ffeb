using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Analysis;
using Verify.Model.Networks;
using Verify.Model.Theory;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>The specialization report on a known answer: the exact-fit student, and every layer of a deep pair.</summary>
[TestFixture]
public sealed class SpecializationReportTest
{
    [Test]
    public void ExactFitCopies_AreFoundAsTheBestMatchOfTheirTeacher()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(6, 3, outputs: 4), 5);
        using var student = ExactFit.Build(teacher, copies: 2, extraNodes: 4, seed: 6);
        using var x = Verify.Model.Data.Inputs.Gaussian(500, 6, 7);
        var report = Specialization.Analyze(teacher, student, x);

        report.BestCorrelationPerTeacher.ShouldAllBe(r => r > 1 - 1e-9);
        report.BestCosinePerTeacher.ShouldAllBe(c => c > 1 - 1e-9);
        report.BestStudentPerTeacher.Select(k => k / 2).ShouldBe([0, 1, 2], "copies of teacher j sit at 2j and 2j + 1");
        report.Covered(0.95).ShouldBe(3);
        report.StudentFanOutNorms.Skip(6).ShouldAllBe(v => v == 0.0, "extra nodes have zero fan-out");
    }

    [Test]
    public void EveryLayerOfADeepPairWithOtherWidths_IsAnalyzed()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(new TeacherSpec(5, [3, 4], 2), 1);
        using var student = Student.OverRealized(teacher, 2, 2, initStd: 0.3);
        using var x = Verify.Model.Data.Inputs.Gaussian(200, 5, 3);
        var reports = Specialization.AnalyzeAllLayers(teacher, student, x);
        reports.Select(r => (r.Teachers, r.Students)).ShouldBe([(3, 6), (4, 8)]);
        reports[1].Cosine.GetLength(1).ShouldBe(0);
        Should.Throw<InvalidOperationException>(() => reports[1].BestCosinePerTeacher).Message.ShouldContain("only at layer 1");
    }
}
