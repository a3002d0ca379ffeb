using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Model.Protocols;

/// <summary>A trained small problem: one owner of its teacher, student and data.</summary>
public sealed class TrainedProblem(SmallProblem problem, RectifiedNetwork teacher, RectifiedNetwork student, Dataset data, TrainingResult training,
    FinishRecord? finish = null) : IDisposable
{
    /// <summary>For a finished case (mini-batch or deep), how it was finished; null otherwise.</summary>
    public FinishRecord? Finish { get; } = finish;

    public SmallProblem Problem { get; } = problem;
    public RectifiedNetwork Teacher { get; } = teacher;
    public RectifiedNetwork Student { get; } = student;
    public Dataset Data { get; } = data;
    public TrainingResult Training { get; } = training;

    /// <summary>The analysis record on the training inputs.</summary>
    public PairEvidence Evidence() =>
        PairEvidence.Measure(Teacher, Student, Data.Inputs, Training, Finish is null ? Problem.ToString() : $"{Problem} ({Finish})") with { Finish = Finish };

    /// <summary>
    /// The analysis record of a pair of any depth: the lowest layer's (<see cref="Evidence"/>), the finish, and every layer's numbers.
    /// The finish's distance is reported, not gated (<see cref="Rules.DeepMaxFinishDistance"/>).
    /// </summary>
    public DeepPairEvidence DeepEvidence() =>
        DeepPairEvidence.Measure(Teacher, Student, Data, Evidence() with { MaxFinishDistance = Rules.DeepMaxFinishDistance }, Finish);

    public void Dispose()
    {
        Student.Dispose();
        Data.Dispose();
        Teacher.Dispose();
    }
}
