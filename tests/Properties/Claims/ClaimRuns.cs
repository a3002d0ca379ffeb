using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.Properties.Generators;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>A trained teacher-student pair with its data and run; owns its tensors.</summary>
public sealed record TrainedPair(RectifiedNetwork Teacher, RectifiedNetwork Student, Dataset Data, TrainingResult Training) : IDisposable
{
    public void Dispose()
    {
        Teacher.Dispose();
        Student.Dispose();
        Data.Dispose();
    }
}

/// <summary>Build, train, judge: the three lines every claim test starts with, and the batch runner.</summary>
public static class ClaimRuns
{
    /// <summary>Builds the case's teacher, data and over-realized student, and trains it with <paramref name="options"/>.</summary>
    public static TrainedPair Train(TrainingCase c, SgdOptions options, int[]? studentWidths = null, Activation? studentActivation = null)
    {
        var teacher = c.Teacher.Build();
        var data = c.BuildData(teacher);
        var student = Student.WithWidths(teacher, studentWidths ?? c.StudentWidths, c.Teacher.Seed + 2, ClaimBuilders.SmallProblemInitStd, studentActivation);
        var result = SgdTrainer.Train(student, data, options, c.Teacher.Seed + 3);
        return new TrainedPair(teacher, student, data, result);
    }

    /// <summary>Trains and judges every case on all cores, each under its own dispose scope; verdicts in input order.</summary>
    public static ClaimOutcome[] JudgeAll(IReadOnlyList<TrainingCase> cases, SgdOptions options, Func<TrainedPair, ClaimOutcome> judge) =>
        TrialRunner.RunAll(cases, c =>
        {
            using var scope = NewDisposeScope();
            using var pair = Train(c, options);
            var outcome = judge(pair);
            return outcome with { Evidence = $"[{c}] {outcome.Evidence}" };
        });
}
