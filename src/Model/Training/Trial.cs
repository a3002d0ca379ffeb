using Verify.Model.Data;
using Verify.Model.Networks;

namespace Verify.Model.Training;

/// <summary>
/// One training run: a student, its training set, its options and its batch seed. It borrows the
/// student and the data (the caller owns and disposes them), so a copy made with <c>with</c> owns nothing.
/// </summary>
public sealed record Trial(RectifiedNetwork Student, Dataset Data, SgdOptions Options, long Seed)
{
    public override string ToString() => $"student {Student}, N = {Data.Count}, seed {Seed}, lr {Options.LearningRate}";
}
