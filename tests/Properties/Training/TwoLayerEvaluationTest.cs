using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// The sweeps' one evaluation (<see cref="TwoLayerEvaluation"/>: eval loss and max_k rho_jk per
/// teacher, for many students at once, over blocks of eval rows) gives the numbers of the
/// definitions, <see cref="Losses.MeanSquaredError(Tensor, Tensor)"/> and <see cref="Correlation.Pearson"/>,
/// student by student, to round-off: alone or together, any block size, a dead node included.
/// </summary>
[TestFixture]
public sealed class TwoLayerEvaluationTest
{
    const int D = 8, M = 3, Outputs = 5, Samples = 64;

    [Test]
    public void StudentsEvaluatedTogether_GiveTheDefinitionsNumbers([Values(1, 7, 64, 1000)] int blockRows, [Values(1L, 2L)] long seed)
    {
        using var scope = NewDisposeScope();
        using var setting = new Setting(seed);
        var saved = TwoLayerEvaluation.BlockRows;
        (double Loss, double[] BestPerTeacher)[] together;
        try
        {
            TwoLayerEvaluation.BlockRows = blockRows;
            using var evaluation = new TwoLayerEvaluation(setting.Eval.Inputs, setting.TeacherActivations);
            together = evaluation.Evaluate(setting.Students.Select(s => (s, setting.Eval.Targets)).ToArray());
        }
        finally { TwoLayerEvaluation.BlockRows = saved; }
        for (var k = 0; k < setting.Students.Length; k++)
            Differences(setting.Definitions(setting.Students[k]), together[k])
                .ShouldBeEmpty($"seed {seed}, blocks of {blockRows} rows, student {k} ({setting.Students[k]}) evaluated with {setting.Students.Length - 1} others vs by the definitions");
    }

    [Test]
    public void AStudentEvaluatedAlone_GivesTheDefinitionsNumbers()
    {
        using var scope = NewDisposeScope();
        using var setting = new Setting(3);
        using var evaluation = new TwoLayerEvaluation(setting.Eval.Inputs, setting.TeacherActivations);
        foreach (var student in setting.Students)
            Differences(setting.Definitions(student), evaluation.Evaluate([(student, setting.Eval.Targets)])[0])
                .ShouldBeEmpty($"seed 3, student {student} alone vs by the definitions");
    }

    /// <summary>Negative control: the comparison tells one student's numbers from another's.</summary>
    [Test]
    public void TheComparison_TellsAnotherStudentApart()
    {
        using var scope = NewDisposeScope();
        using var setting = new Setting(1);
        using var evaluation = new TwoLayerEvaluation(setting.Eval.Inputs, setting.TeacherActivations);
        var numbers = evaluation.Evaluate(setting.Students.Select(s => (s, setting.Eval.Targets)).ToArray());
        Differences(setting.Definitions(setting.Students[0]), numbers[1]).ShouldNotBeEmpty("student 1's numbers must differ from student 0's");
    }

    [Test]
    public void StudentsOfTwoActivations_AreRefused()
    {
        using var scope = NewDisposeScope();
        using var setting = new Setting(1);
        using var leaky = Student.OverRealized(setting.Teacher, 1, Seeds.Of(1, "leaky-student"), activation: Activation.LeakyRelu(0.1));
        using var evaluation = new TwoLayerEvaluation(setting.Eval.Inputs, setting.TeacherActivations);
        Should.Throw<ArgumentException>(() => evaluation.Evaluate([(setting.Students[0], setting.Eval.Targets), (leaky, setting.Eval.Targets)]))
            .Message.ShouldContain("activation");
    }

    /// <summary>A teacher, its eval set and four ReLU students of widths 3, 6, 9 and 6, the last with a dead node.</summary>
    sealed class Setting : IDisposable
    {
        public RectifiedNetwork Teacher { get; }
        public Dataset Eval { get; }
        public Tensor TeacherActivations { get; }
        public RectifiedNetwork[] Students { get; }

        public Setting(long seed)
        {
            Teacher = Verify.Model.Networks.Teacher.Build(TeacherSpec.TwoLayer(D, M, 1, Outputs), Seeds.Of(seed, "teacher"));
            Eval = Dataset.Gaussian(Teacher, Samples, Seeds.Of(seed, "eval-inputs"));
            using (var trace = Teacher.Trace(Eval.Inputs))
                TeacherActivations = trace.Activations[0].clone().DetachFromDisposeScope();
            Students = [.. new[] { 1, 2, 3, 2 }.Select((multi, k) => Student.OverRealized(Teacher, multi, Seeds.Of(seed, "student", k)))];
            // A node that is zero on every input: no weight, bias -1.
            using (no_grad())
            {
                var dead = Students[^1].Weights[0];
                dead[.., 0] = zeros(dead.shape[0], dtype: dead.dtype);
                dead[-1, 0] = tensor(-1.0, dtype: dead.dtype);
            }
        }

        /// <summary>The eval loss and the best correlation per teacher by their definitions.</summary>
        public (double Loss, double[] BestPerTeacher) Definitions(RectifiedNetwork student)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var trace = student.Trace(Eval.Inputs);
            var rho = Correlation.Pearson(TeacherActivations, trace.Activations[0]);
            var best = Enumerable.Range(0, rho.GetLength(0)).Select(j => Enumerable.Range(0, rho.GetLength(1)).Max(k => rho[j, k])).ToArray();
            return (Losses.MeanSquaredError(trace.Output, Eval.Targets), best);
        }

        public void Dispose()
        {
            foreach (var s in Students) s.Dispose();
            TeacherActivations.Dispose();
            Eval.Dispose();
            Teacher.Dispose();
        }
    }

    static List<string> Differences((double Loss, double[] BestPerTeacher) expected, (double Loss, double[] BestPerTeacher) actual)
    {
        var found = new List<string>();
        var lossError = Math.Abs(actual.Loss - expected.Loss) / Math.Abs(expected.Loss);
        if (!(lossError <= Tolerances.Float64Identity)) found.Add($"eval loss {actual.Loss:R}, by definition {expected.Loss:R} (relative error {lossError:G3})");
        for (var j = 0; j < expected.BestPerTeacher.Length; j++)
        {
            var error = Math.Abs(actual.BestPerTeacher[j] - expected.BestPerTeacher[j]);
            if (!(error <= Tolerances.Float64Identity)) found.Add($"best correlation of teacher {j + 1}: {actual.BestPerTeacher[j]:R}, by definition {expected.BestPerTeacher[j]:R}");
        }
        return found;
    }
}
