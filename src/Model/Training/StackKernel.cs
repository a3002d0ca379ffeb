using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The step's layout for trials of one shape: a trial alone, its tensors of rank 2 ((rows, cols): the
/// weights are the student's own, updated in place), or a stack of T trials, of rank 3 ((T, rows,
/// cols): stacked copies written back by <see cref="StepKernel.WriteBack"/>), mini-batch or full batch.
/// The same code serves both ranks: the step's operations take either.
/// </summary>
/// <remarks>
/// Every buffer is allocated once, for the trials the kernel starts with: the weights, one buffer
/// H~_l = [h_l, 1] per hidden layer whose constant column is set once, the signals below the residuals,
/// the residuals, and in full-batch stacks each trial's whole dataset. The step works on views of their
/// first T positions; when trials retire, those that go on are copied down to the first positions and
/// the views narrowed, so nothing is allocated again and the constant columns stay set.
/// </remarks>
internal sealed class StackKernel : StepKernel
{
    readonly bool stacked;
    readonly Tensor[] weightStore;        // (T, r, c) stacked copies, or the single student's own (r, c)
    readonly Tensor[] hiddenStore;        // H~_l = [h_l, 1]: ([T,] rows, n_l + 1)
    readonly Tensor[] signalStore;        // g_l of the hidden layers: ([T,] rows, n_l)
    readonly Tensor? residualStore;       // mini-batch: (T, B, outputs), T = 1 for a trial alone
    readonly Tensor? fullXStore, fullYStore; // full batch: every trial's whole dataset, ([T,] N, d + 1) and ([T,] N, outputs)

    // Views of the first active.Count positions of the stores (the stores themselves for a trial alone).
    Tensor[] weights = [], upperT = [], hidden = [], hiddenView = [], hiddenT = [], signals = [];
    Tensor? residualView, fullX, fullXT, fullY;

    public StackKernel(IReadOnlyList<Trial> trials) : base(trials, Enumerable.Range(0, trials.Count), sharedInputs: false)
    {
        stacked = trials.Count > 1;
        var first = trials[0].Student;
        var scope = NewDisposeScope(); // closed before Narrow, whose views must outlive it
        weightStore = stacked
            ? Enumerable.Range(0, first.Weights.Count).Select(l => stack(trials.Select(t => t.Student.Weights[l]).ToArray(), 0).MoveToOuterDisposeScope()).ToArray()
            : first.Weights.Select(w => w.alias().MoveToOuterDisposeScope()).ToArray();
        long[] Shape(long rows, long cols) => stacked ? [trials.Count, rows, cols] : [rows, cols];
        hiddenStore = weightStore.SkipLast(1).Select(w => ones(Shape(rowsPerStep, w.shape[^1] + 1), dtype: dtype, device: device).MoveToOuterDisposeScope()).ToArray();
        signalStore = weightStore.SkipLast(1).Select(w => empty(Shape(rowsPerStep, w.shape[^1]), dtype: dtype, device: device).MoveToOuterDisposeScope()).ToArray();
        if (batchSize is { } b)
            residualStore = empty([trials.Count, b, weightStore[^1].shape[^1]], dtype: dtype, device: device).MoveToOuterDisposeScope();
        else if (stacked)
        {
            var n = trials[0].Data.Count;
            var index = tensor(offsets, device: flatX.device).view(-1, 1).Plus(Scalars.Range(n, flatX.device).view(1, -1)).reshape(-1);
            fullXStore = flatX.index_select(0, index).view(trials.Count, n, -1).MoveToOuterDisposeScope();
            fullYStore = flatY.index_select(0, index).view(trials.Count, n, -1).MoveToOuterDisposeScope();
        }
        else
        {
            fullXStore = flatX.alias().MoveToOuterDisposeScope();
            fullYStore = flatY.alias().MoveToOuterDisposeScope();
        }
        scope.Dispose();
        Narrow();
    }

    protected override bool Stacked => stacked;

    protected override Tensor TargetRows(Tensor[] indices)
    {
        if (indices.Length != active.Count)
            throw new ArgumentException($"{indices.Length} index tensors were given for {active.Count} active trials.", nameof(indices));
        var shifted = indices.Select((idx, p) => offsets[active[p]] == 0 ? idx.alias() : idx.Plus(offsets[active[p]])).ToArray();
        return (shifted.Length == 1 ? shifted[0] : stack(shifted, 1)).reshape(indices[0].shape[0], -1);
    }

    protected override Tensor InputRows => chunk!;

    protected override double[] StepBatch(Tensor x, Tensor xT, int step)
    {
        // The top layer's products go into the residuals' buffer, and the targets are read from the
        // dataset's rows where they lie (Residuals_).
        ops.Multiply(residualView!, Forward(ops, slope, x, weights, hidden, hiddenView), weights[^1]);
        var losses = Residuals_(step);
        Backward(residualView!, xT);
        return losses;
    }

    protected override double[] StepFull()
    {
        using var g = ops.Residual(fullY!, Forward(ops, slope, fullX!, weights, hidden, hiddenView), weights[^1]);
        var losses = BatchLosses(g);
        g.mul_(scale!);
        Backward(g, fullXT!);
        return losses;
    }

    /// <summary>Back-propagates the scaled residuals r through every layer, each signal into its buffer, and updates every weight in place.</summary>
    void Backward(Tensor r, Tensor xT)
    {
        var g = r;
        for (var l = weights.Length - 1; l >= 0; l--)
        {
            if (l > 0)
            {
                ops.Multiply(signals[l - 1], g, upperT[l]);
                ops.Gate_(signals[l - 1], hiddenView[l - 1], slope);
            }
            ops.MultiplyAdd(weights[l], l == 0 ? xT : hiddenT[l - 1], g);
            if (l > 0) g = signals[l - 1];
        }
    }

    protected override Tensor[] WeightsAt(int p) =>
        weights.Select(w => stacked ? w.select(0, p) : w.alias()).ToArray();

    /// <summary>Copies each kept trial's weights (and full-batch data) down to its new position, then narrows the views to the trials that go on.</summary>
    protected override void Keep(int[] positions)
    {
        for (var q = 0; q < positions.Length; q++)
        {
            if (positions[q] == q) continue;
            foreach (var store in weightStore.Concat(fullXStore is null || !stacked ? [] : new[] { fullXStore, fullYStore! }))
            {
                using var to = store.select(0, q);
                using var from = store.select(0, positions[q]);
                to.copy_(from);
            }
        }
        ReleaseViews();
        Narrow(positions.Length);
    }

    /// <summary>Views of the first <paramref name="count"/> positions of every store (all of them for a trial alone).</summary>
    void Narrow(int? count = null)
    {
        using var scope = NewDisposeScope();
        var t = count ?? active.Count;
        Tensor First(Tensor store) => (stacked ? store.narrow(0, 0, t) : store.alias()).MoveToOuterDisposeScope();
        weights = weightStore.Select(First).ToArray();
        upperT = new Tensor[weights.Length];
        for (var l = 1; l < weights.Length; l++)
            upperT[l] = weights[l].narrow(-2, 0, weights[l].shape[^2] - 1).transpose(-2, -1).MoveToOuterDisposeScope();
        hidden = hiddenStore.Select(First).ToArray();
        hiddenView = hidden.Select(h => h.narrow(-1, 0, h.shape[^1] - 1).MoveToOuterDisposeScope()).ToArray();
        hiddenT = hidden.Select(h => h.transpose(-2, -1).MoveToOuterDisposeScope()).ToArray();
        signals = signalStore.Select(First).ToArray();
        if (residualStore is not null)
        {
            residuals = residualStore.narrow(0, 0, t).MoveToOuterDisposeScope();
            residualView = (stacked ? residuals.alias() : residuals.select(0, 0)).MoveToOuterDisposeScope();
        }
        if (fullXStore is not null)
        {
            fullX = First(fullXStore);
            fullY = First(fullYStore!);
            fullXT = fullX.transpose(-2, -1).MoveToOuterDisposeScope();
        }
    }

    void ReleaseViews()
    {
        foreach (var v in weights.Concat(upperT.Skip(1)).Concat(hidden).Concat(hiddenView).Concat(hiddenT).Concat(signals)) v.Dispose();
        weights = upperT = hidden = hiddenView = hiddenT = signals = [];
        foreach (var v in new[] { residualView, residuals, fullX, fullXT, fullY }) v?.Dispose();
        residualView = residuals = fullX = fullXT = fullY = null;
    }

    protected override void ReleaseLayout()
    {
        ReleaseViews();
        foreach (var s in weightStore.Concat(hiddenStore).Concat(signalStore)) s.Dispose();
        residualStore?.Dispose();
        fullXStore?.Dispose();
        fullYStore?.Dispose();
    }
}
