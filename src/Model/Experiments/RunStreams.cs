namespace Verify.Model.Experiments;

/// <summary>The seeds of one two-layer run's random streams.</summary>
public sealed record RunStreams(long Teacher, long TrainInputs, long EvalInputs, long Student, long Batches, long OtherTeacher)
{
    public IEnumerable<long> All => [Teacher, TrainInputs, EvalInputs, Student, Batches, OtherTeacher];
}
