using System.Globalization;
using Verify.Model.Data;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>How <see cref="SgdTrainer"/> splits trials into stacks that train together in one <see cref="StepKernel"/>.</summary>
internal static class TrialStacks
{
    /// <summary>
    /// The stacks: first the trials that read the same inputs in the same order (mini-batch runs with
    /// equal batch seeds, batch sizes, iterations per epoch and dataset sizes, whose datasets hold equal
    /// inputs), of any widths: their first layers train as one wide product; then the others by
    /// <see cref="ShapeKey"/>. A stack of one is a trial alone.
    /// </summary>
    public static List<(int[] Members, bool SharedInputs)> Of(IReadOnlyList<Trial> trials)
    {
        var groups = new List<(int[], bool)>();
        var shared = new bool[trials.Count];
        var candidates = Enumerable.Range(0, trials.Count).Where(i => trials[i].Options.BatchSize is not null).GroupBy(i => SharedInputsKey(trials[i]));
        foreach (var candidate in candidates)
        {
            var left = candidate.ToList();
            while (left.Count > 1)
            {
                var first = trials[left[0]].Data;
                var same = left.Where(i => SameInputs(first, trials[i].Data)).ToArray();
                if (same.Length > 1)
                {
                    groups.Add((same, true));
                    foreach (var i in same) shared[i] = true;
                }
                left.RemoveAll(same.Contains);
            }
        }
        groups.AddRange(Enumerable.Range(0, trials.Count).Where(i => !shared[i]).GroupBy(i => ShapeKey(trials[i])).Select(g => (g.ToArray(), false)));
        return groups;
    }

    /// <summary>What trials must share, besides equal inputs, to read the same batches: the batch seed, dataset size, batch size and iterations per epoch (and a kernel: activation, depth, input and output widths, dtype, device).</summary>
    static string SharedInputsKey(Trial t) =>
        $"{t.Seed}|{t.Data.Count}|{t.Options.BatchSize}|{t.Options.ItersPerEpoch}|{t.Student.Activation}|{t.Student.Widths.Count}|{t.Student.InputDim}|{t.Student.OutputDim}|{t.Student.DType}|{t.Student.Device}";

    static bool SameInputs(Dataset a, Dataset b)
    {
        if (ReferenceEquals(a, b) || ReferenceEquals(a.Inputs, b.Inputs)) return true;
        using var scope = NewDisposeScope();
        return a.Inputs.shape.SequenceEqual(b.Inputs.shape) && a.Inputs.eq(b.Inputs).all().item<bool>();
    }

    /// <summary>
    /// What trials must share to be stacked: the student's widths and activation, dtype and device,
    /// the batch size and iterations per epoch, and for full-batch runs the dataset size.
    /// </summary>
    public static string ShapeKey(Trial t) =>
        $"{string.Join("-", t.Student.Widths)}|{t.Student.Activation}|{t.Student.DType}|{t.Student.Device}|{t.Options.BatchSize?.ToString(CultureInfo.InvariantCulture) ?? $"full {t.Data.Count}"}|{t.Options.ItersPerEpoch}";
}
