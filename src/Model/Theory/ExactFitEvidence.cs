using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Model.Theory;

/// <summary>
/// What the exact-fit construction (<see cref="ExactFit"/>) measures: loss and max per-sample gradient on the data.
/// A check of the construction, not evidence for the paper: claim 7 holds by construction.
/// </summary>
public sealed record ExactFitEvidence(string Case, int Samples, double Loss, double MaxSampleGradient)
{
    public static ExactFitEvidence Measure(RectifiedNetwork student, Dataset data, string? description = null)
    {
        var (loss, maxGrad) = SgdTrainer.Measure(student, data);
        return new ExactFitEvidence(description ?? $"student {student}", data.Count, loss, maxGrad);
    }
}

