using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The step's layout for trials that read the same inputs in the same batch order (the runs of one
/// sweep seed: equal inputs and batch seed, any widths): the first layers of all trials are one
/// (d + 1, S) matrix, S the sum of their first hidden widths, and their products with the shared batch
/// one wide product each way; the layers above are stacked per shape (a <see cref="Part"/>), and the
/// residuals of all trials are one (T, B, outputs) tensor. The stack is ordered by shape (first
/// appearance), so each shape is a run of positions. Its trials draw the same batches, so one index
/// tensor serves them all (<see cref="StepKernel.Load"/>).
/// </summary>
/// <remarks>
/// Every buffer is allocated once, for the trials the kernel starts with: the wide matrices as flat
/// stores, each shape's stacked upper weights and hidden buffers H~_l = [h_l, 1] (constant column set
/// once), the residuals. The step works on views of them. When trials retire, the wide matrix keeps the
/// columns of the trials that go on, packed to its front in the same store, each shape's upper weights
/// are copied down to their first positions, and the views are narrowed: nothing is allocated again
/// but the packed columns, for the length of the copy.
/// </remarks>
internal sealed class SharedInputKernel : StepKernel
{
    readonly long d1, b;                  // rows of the first layer's weights (d + 1); batch size B
    readonly Tensor wideWStore;           // the first-layer weights of every trial, flat: (d + 1) S of the kernel's start
    readonly Tensor wideAStore, wideGStore; // h_1 of every trial and its signal, flat: B S
    readonly Tensor residualStore;        // (T, B, outputs) of the kernel's start
    Tensor? wideW, wideA, wideG;          // views: (d + 1, S) first-layer weights; h_1 of every trial (B, S); its signal (B, S), S of the active trials
    Tensor? chunkX;                       // (steps, B) rows of flatX (the shared inputs) for the loaded steps
    Part[] parts = [];

    /// <summary>The trials of one shape: positions Start .. Start + Count - 1 of the stack.</summary>
    sealed class Part
    {
        public int Start, Count;
        public required int N1;                                      // width of the first hidden layer
        public required Tensor[] WStore, HiddenStore;                // stacked W_l (l >= 1; WStore[0] unused) and H~_l of the part's first trials
        public Tensor[] W = [];                                      // views: W[0] into wideW, the others into WStore: (T_g, r, c)
        public Tensor[] UpperT = [];                                 // W_l without its bias row, transposed, l >= 1
        public Tensor[] Hidden = [], HiddenView = [], HiddenT = [];  // H~_l = [h_l, 1]: (T_g, B, n_l + 1)
        public Tensor[] UpperW = [], UpperHidden = [], UpperHiddenView = [];  // the same from layer 2 on (the forward pass above the first layer)
        public Tensor A = null!, G = null!, R = null!;               // views: h_1 (T_g, B, n_1) in wideA, its signal in wideG, the residuals (T_g, B, outputs)

        public IEnumerable<Tensor> Views() => W.Concat(UpperT.Skip(1)).Concat(HiddenT).Concat(HiddenView).Concat(Hidden).Append(A).Append(G).Append(R);

        public IEnumerable<Tensor> Stores() => WStore.Skip(1).Concat(HiddenStore);
    }

    public SharedInputKernel(IReadOnlyList<Trial> trials)
        : base(trials, Enumerable.Range(0, trials.Count).GroupBy(i => string.Join("-", trials[i].Student.Widths)).SelectMany(g => g), sharedInputs: true)
    {
        if (batchSize is not { } batch) throw new ArgumentException("Shared inputs need mini-batch runs.", nameof(trials));
        using (var scope = NewDisposeScope())
        {
            var students = active.Select(i => trials[i].Student).ToArray();
            (d1, b) = (students[0].InputDim + 1, batch);
            wideWStore = cat(students.Select(s => s.Weights[0]).ToArray(), 1).reshape(-1).MoveToOuterDisposeScope();
            var width = wideWStore.shape[0] / d1;
            wideAStore = empty([b * width], dtype: dtype, device: device).MoveToOuterDisposeScope();
            wideGStore = zeros([b * width], dtype: dtype, device: device).MoveToOuterDisposeScope();
            residualStore = empty([students.Length, b, students[0].OutputDim], dtype: dtype, device: device).MoveToOuterDisposeScope();
            var built = new List<Part>();
            for (var start = 0; start < students.Length;)
            {
                var widths = students[start].Widths;
                var count = 1;
                while (start + count < students.Length && students[start + count].Widths.SequenceEqual(widths)) count++;
                var members = students.Skip(start).Take(count).ToArray();
                var layers = widths.Count - 1;
                var wStore = new Tensor[layers];
                for (var l = 1; l < layers; l++) wStore[l] = stack(members.Select(s => s.Weights[l]).ToArray(), 0).MoveToOuterDisposeScope();
                var hiddenStore = Enumerable.Range(0, layers - 1).Select(l => ones([count, b, widths[l + 1] + 1], dtype: dtype, device: device).MoveToOuterDisposeScope()).ToArray();
                built.Add(new Part { Start = start, Count = count, N1 = widths[1], WStore = wStore, HiddenStore = hiddenStore });
                start += count;
            }
            parts = built.ToArray();
        }
        Narrow();
    }

    protected override bool Stacked => true;

    protected override Tensor TargetRows(Tensor[] indices)
    {
        if (indices.Length != 1)
            throw new ArgumentException($"A shared-input kernel takes one index tensor for all its trials; {indices.Length} were given.", nameof(indices));
        // Each trial's rows of flatY: the shared indices shifted by the trial's dataset offset, by broadcasting.
        var idx = indices[0];
        using var shift = tensor(active.Select(i => offsets[i]).ToArray(), dtype: ScalarType.Int64, device: idx.device).view(1, -1, 1);
        chunkX?.Dispose();
        chunkX = idx.clone().DetachFromDisposeScope();
        return idx.unsqueeze(1).Plus(shift).reshape(idx.shape[0], -1);
    }

    protected override Tensor InputRows => chunkX!;

    /// <summary>
    /// h_1 of every trial by one wide product X~ W_1 (B, S), the layers above and the products h~ W of
    /// the top layer per part (stacked products), the residuals of all trials at once from those products
    /// and the targets, the signals down to the first layer per part, written into one (B, S) signal,
    /// gated once, and every first layer updated by one wide product X~^T g_1. The same arithmetic as a
    /// trial alone, in another grouping of the products.
    /// </summary>
    protected override double[] StepBatch(Tensor x, Tensor xT, int step)
    {
        ops.Multiply(wideA!, x, wideW!);
        foreach (var part in parts)
        {
            ops.ActivateInto_(part.A, part.HiddenView[0], slope); // the parts' blocks cover wideA
            var top = Forward(ops, slope, part.Hidden[0], part.UpperW, part.UpperHidden, part.UpperHiddenView);
            ops.Multiply(part.R, top, part.W[^1]);
        }
        var losses = Residuals_(step);
        foreach (var part in parts)
        {
            var g = part.R;
            for (var l = part.W.Length - 1; l >= 1; l--)
            {
                Tensor? below = null;
                if (l > 1) below = SignalBelow(ops, slope, g, part.UpperT[l], part.HiddenView[l - 1]);
                else ops.Multiply(part.G, g, part.UpperT[1]); // gated below, for every trial at once
                ops.MultiplyAdd(part.W[l], part.HiddenT[l - 1], g);
                if (!ReferenceEquals(g, part.R)) g.Dispose();
                g = below!;
            }
        }
        ops.Gate_(wideG!, wideA!, slope);
        ops.MultiplyAdd(wideW!, xT, wideG!);
        return losses;
    }

    protected override double[] StepFull() => throw new InvalidOperationException("A shared-input kernel runs mini-batches only.");

    protected override Tensor[] WeightsAt(int p)
    {
        var part = parts.First(pt => p < pt.Start + pt.Count);
        return part.W.Select(w => w.select(0, p - part.Start)).ToArray();
    }

    /// <summary>
    /// Keeps the trials at <paramref name="positions"/>: their first-layer columns packed to the front of
    /// the wide store, each part's upper weights copied down to its first positions, parts left empty
    /// dropped, and the views narrowed. The kept trials' weights stay in the kernel (no write-back).
    /// </summary>
    protected override void Keep(int[] positions)
    {
        var columns = new List<long>();
        long column = 0;
        foreach (var part in parts)
        {
            var kept = positions.Where(p => p >= part.Start && p < part.Start + part.Count).Select(p => p - part.Start).ToArray();
            foreach (var m in kept)
                for (var j = 0; j < part.N1; j++) columns.Add(column + m * part.N1 + j);
            for (var q = 0; q < kept.Length; q++)
            {
                if (kept[q] == q) continue;
                foreach (var store in part.WStore.Skip(1))
                {
                    using var to = store.select(0, q);
                    using var from = store.select(0, kept[q]);
                    to.copy_(from);
                }
            }
            column += part.Count * part.N1;
            part.Count = kept.Length;
        }
        using var index = tensor(columns.ToArray(), device: device);
        using var packed = wideW!.index_select(1, index); // a copy: the packed columns overlap the ones they come from
        ReleaseViews();
        foreach (var emptied in parts.Where(p => p.Count == 0))
            foreach (var store in emptied.Stores()) store.Dispose();
        parts = parts.Where(p => p.Count > 0).ToArray();
        Narrow();
        wideW!.copy_(packed);
    }

    /// <summary>Views of the stores for the parts' current counts: the wide matrices over the front of their flat stores (contiguous), each part's blocks, stacked weights and hidden buffers.</summary>
    void Narrow()
    {
        using var scope = NewDisposeScope();
        var width = parts.Sum(p => (long)p.Count * p.N1);
        var trialCount = parts.Sum(p => p.Count);
        wideW = wideWStore.narrow(0, 0, d1 * width).view(d1, width).MoveToOuterDisposeScope();
        wideA = wideAStore.narrow(0, 0, b * width).view(b, width).MoveToOuterDisposeScope();
        wideG = wideGStore.narrow(0, 0, b * width).view(b, width).MoveToOuterDisposeScope();
        residuals = residualStore.narrow(0, 0, trialCount).MoveToOuterDisposeScope();
        long column = 0;
        var start = 0;
        foreach (var part in parts)
        {
            var (count, n1, layers) = (part.Count, part.N1, part.WStore.Length);
            part.Start = start;
            Tensor Block(Tensor t, long rows) => t.narrow(1, column, count * n1).view(rows, count, n1).permute(1, 0, 2).MoveToOuterDisposeScope();
            part.A = Block(wideA, b);
            part.G = Block(wideG, b);
            part.R = residuals.narrow(0, start, count).MoveToOuterDisposeScope();
            part.W = new Tensor[layers];
            part.W[0] = Block(wideW, d1);
            for (var l = 1; l < layers; l++) part.W[l] = part.WStore[l].narrow(0, 0, count).MoveToOuterDisposeScope();
            part.UpperT = new Tensor[layers];
            for (var l = 1; l < layers; l++)
                part.UpperT[l] = part.W[l].narrow(-2, 0, part.W[l].shape[^2] - 1).transpose(-2, -1).MoveToOuterDisposeScope();
            part.Hidden = part.HiddenStore.Select(h => h.narrow(0, 0, count).MoveToOuterDisposeScope()).ToArray();
            part.HiddenView = part.Hidden.Select(h => h.narrow(-1, 0, h.shape[^1] - 1).MoveToOuterDisposeScope()).ToArray();
            part.HiddenT = part.Hidden.Select(h => h.transpose(-2, -1).MoveToOuterDisposeScope()).ToArray();
            part.UpperW = part.W.Skip(1).ToArray();
            part.UpperHidden = part.Hidden.Skip(1).ToArray();
            part.UpperHiddenView = part.HiddenView.Skip(1).ToArray();
            column += count * n1;
            start += count;
        }
    }

    void ReleaseViews()
    {
        foreach (var part in parts)
            foreach (var t in part.Views()) t.Dispose();
        foreach (var t in new[] { wideW, wideA, wideG, residuals }) t?.Dispose();
        wideW = wideA = wideG = residuals = null;
    }

    protected override void ReleaseLayout()
    {
        ReleaseViews();
        foreach (var part in parts)
            foreach (var store in part.Stores()) store.Dispose();
        parts = [];
        foreach (var t in new[] { wideWStore, wideAStore, wideGStore, residualStore }) t.Dispose();
        chunkX?.Dispose();
        chunkX = null;
    }
}
