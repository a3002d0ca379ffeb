using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>
/// The one SGD step of the suite, over T trials stacked on a leading dimension (T = 1 is the single
/// trial). A step draws each trial's batch (or takes its whole dataset: full-batch gradient descent),
/// runs the forward pass layer by layer, computes the residual r = f*(x) - f(x) and each trial's loss
/// 0.5 ||r||^2 / B, scales r by lr_t / B, and walks down the layers: the signal below,
/// g_{l-1} = sigma'(a_{l-1}) * (g_l W_l^T) (bias row left out), is taken before W_l is updated by
/// W_l += h~_{l-1}^T g_l (bias row included). <see cref="Signals"/> is the same forward and backward
/// pass over a whole dataset, without the update: the per-sample signals the measurements need.
/// </summary>
/// <remarks>
/// <para>
/// Tensors of a single trial have rank 2 ((rows, cols): weights are the student's own tensors,
/// updated in place, and products are mm / addmm_); those of a stack of T &gt; 1 trials have rank 3
/// ((T, rows, cols): stacked copies written back by <see cref="WriteBack"/>, products are bmm). The
/// few operations whose TorchSharp form depends on the rank are the three products below
/// (<see cref="ProductInto"/>, <see cref="AddProduct_"/>, <see cref="Residual"/>); everything else
/// is the same code for both. Products into existing buffers (<see cref="ProductInto"/>,
/// <see cref="AddProduct_"/>) go through <see cref="BatchedGemm"/> where it takes them: the same
/// products as mm and bmm, written in place instead of into a temporary and copied or added. The
/// activation, the gate, the residuals with their losses, the shared-input activation with its copy,
/// and the gather of the batches are passes over host memory (<see cref="HostMemory"/>) where it
/// takes them, else libtorch's operators.
/// </para>
/// <para>
/// Everything a step needs and that outlives it is built once: the augmented inputs X~ = [X, 1] of
/// every distinct dataset, stacked by rows in one table that each trial reads through its offset; one
/// buffer H~_l = [h_l, 1] per hidden layer whose constant column is set once; transposed views of
/// weights and buffers; the residuals and every signal below them (written in place each step). The
/// inputs of several steps' batches are gathered at once into a buffer kept for the kernel's life;
/// the targets are read from their rows where they lie (<see cref="Residuals_"/>), for every
/// mini-batch step, stacked or alone. Every tensor a step creates is disposed before it returns.
/// </para>
/// <para>
/// Shared inputs (the runs of one sweep seed: equal inputs and batch seed, any widths): the first
/// layers of all trials are one (d + 1, S) matrix and their products with the shared batch one wide
/// product each way (<see cref="StepWide"/>); the layers above are stacked per width ("parts"),
/// the residuals of all trials are one (T, B, outputs) tensor. The stack is ordered by width. Its
/// trials draw the same batches, so one index tensor serves them all (<see cref="Load"/>).
/// </para>
/// <para>
/// addmm_ and baddbmm take alpha and beta as float32 in TorchSharp, so only 0, 1 and -1 are passed
/// there; the step size lr / B multiplies the residual once, in the weights' dtype.
/// </para>
/// </remarks>
internal sealed class StepKernel : IDisposable
{
    readonly IReadOnlyList<Trial> trials;
    readonly Activation activation;
    readonly int? batchSize;
    readonly bool stacked;
    readonly Tensor flatX;            // X~ of every distinct dataset, stacked by rows: (sum N, d + 1)
    readonly Tensor flatY;            // their targets: (sum N, outputs)
    readonly long[] offsets;          // first row of trial i's dataset in flatX
    readonly List<int> active;
    Tensor[] weights = [];            // (T, r, c) stacked copies, or the single student's own (r, c)
    Tensor[] upperT = [];             // W_l without its bias row, transposed, l >= 1
    Tensor[] hidden = [], hiddenView = [], hiddenT = [];
    Tensor? fullX, fullXT, fullY;     // full-batch runs: every trial's whole dataset
    Tensor? scale;                    // lr_t / B, (T, 1, 1) or (1, 1)
    Tensor? chunk;                    // (steps, T * B) rows of flatX for the loaded steps
    int chunkStep;
    Tensor? gathered;                 // the buffer blockX lies in (float64 on the CPU)
    Tensor? blockX, blockXT;          // gathered inputs of the next few steps: (k, [T,] B, d + 1) and its transpose (the targets are read where they lie, Residuals_)
    Tensor[] signals = [];            // g_l of the hidden layers, written in place every step: ([T,] rows, n_l)
    Tensor? residualView;             // a mini-batch step's residuals as the products see them: residuals, or its one matrix (B, outputs) for a trial alone
    int blockStart;
    readonly long rowsPerStep;        // B, or the dataset size in full-batch runs
    double[] rates = [];
    double[] scales = [];             // lr_t / B of each active trial, as in scale
    readonly ScalarType dtype;
    readonly Device device;

    // Shared inputs (every trial reads the same inputs in the same batch order, see the remarks):
    // the first layers of all trials side by side, the layers above stacked per shape (a part).
    readonly bool wide;
    Tensor? wideW, wideA, wideG;      // (d + 1, S) first-layer weights, S = sum of the first hidden widths; h_1 of every trial (B, S); its signal (B, S)
    Tensor? residuals;                // (T, B, outputs), T = 1 for a trial alone: the top layer's products, then the residuals (every mini-batch step)
    Tensor? chunkX;                   // (steps, B) rows of flatX (the shared inputs) for the loaded steps
    Part[] parts = [];

    /// <summary>The trials of one shape in a shared-input kernel: positions Start .. Start + Count - 1 of the stack.</summary>
    sealed class Part
    {
        public int Start, Count;
        public Tensor[] W = [];                                      // (T_g, r, c): W[0] a view into wideW, the others stacked copies
        public Tensor[] UpperT = [];                                 // W_l without its bias row, transposed, l >= 1
        public Tensor[] Hidden = [], HiddenView = [], HiddenT = [];  // H~_l = [h_l, 1]: (T_g, B, n_l + 1)
        public Tensor[] UpperW = [], UpperHidden = [], UpperHiddenView = [];  // the same from layer 2 on (the forward pass above the first layer)
        public Tensor A = null!, G = null!, R = null!;               // views: h_1 (T_g, B, n_1) in wideA, its signal in wideG, the residuals (T_g, B, outputs)

        public IEnumerable<Tensor> All() => W.Concat(UpperT.Skip(1)).Concat(HiddenT).Concat(HiddenView).Concat(Hidden).Append(A).Append(G).Append(R);
    }

    /// <summary>Rows gathered at once, at most: a few MB of float64 (a whole 64-step chunk for one trial).</summary>
    const int BlockRows = 1024;

    /// <summary>The trials still stepping, in stack order (indices into the trial list).</summary>
    public IReadOnlyList<int> Active => active;

    /// <param name="trials">Trials of one shape (student widths, activation, dtype, device, batch size), or, with <paramref name="sharedInputs"/>, of any widths.</param>
    /// <param name="sharedInputs">
    /// True when every trial reads the same inputs in the same batch order (mini-batch runs whose
    /// datasets hold equal inputs and whose batch seeds are equal: <see cref="SgdTrainer"/> checks
    /// this). Their first-layer products then become one wide product, and trials of different
    /// widths can share the kernel (each shape stacked on its own above the first layer).
    /// </param>
    public StepKernel(IReadOnlyList<Trial> trials, bool sharedInputs = false)
    {
        this.trials = trials;
        var first = trials[0].Student;
        activation = first.Activation;
        batchSize = trials[0].Options.BatchSize;
        wide = sharedInputs;
        if (wide && batchSize is null) throw new ArgumentException("Shared inputs need mini-batch runs.", nameof(sharedInputs));
        stacked = trials.Count > 1 || wide;
        rowsPerStep = batchSize ?? trials[0].Data.Count;
        dtype = first.DType;
        device = first.Device;
        // Shared inputs: the stack is ordered by shape (first appearance), so each shape is a run of positions.
        active = wide
            ? Enumerable.Range(0, trials.Count).GroupBy(i => string.Join("-", trials[i].Student.Widths)).SelectMany(g => g).ToList()
            : Enumerable.Range(0, trials.Count).ToList();
        var distinct = new List<Dataset>();
        offsets = new long[trials.Count];
        long rows = 0;
        var start = new Dictionary<Dataset, long>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < trials.Count; i++)
        {
            if (!start.TryGetValue(trials[i].Data, out var offset))
            {
                start[trials[i].Data] = offset = rows;
                distinct.Add(trials[i].Data);
                rows += trials[i].Data.Count;
            }
            offsets[i] = offset;
        }
        using (var scope = NewDisposeScope())
        {
            // Shared inputs: flatX holds them once (row offsets then apply to flatY only).
            flatX = RectifiedNetwork.Augment(distinct.Count == 1 || wide ? distinct[0].Inputs : cat(distinct.Select(d => d.Inputs).ToArray(), 0)).MoveToOuterDisposeScope();
            flatY = (distinct.Count == 1 ? distinct[0].Targets.alias() : cat(distinct.Select(d => d.Targets).ToArray(), 0)).MoveToOuterDisposeScope();
            if (!wide)
                weights = stacked
                    ? Enumerable.Range(0, first.Weights.Count).Select(l => stack(trials.Select(t => t.Student.Weights[l]).ToArray(), 0).MoveToOuterDisposeScope()).ToArray()
                    : first.Weights.ToArray();
        }
        if (wide) BuildWide();
        else BuildViews();
    }

    /// <summary>Sets the learning rate of each active trial (in the order of <see cref="Active"/>).</summary>
    public void SetRates(double[] learningRates)
    {
        rates = learningRates;
        scale?.Dispose();
        var rows = (double)(batchSize ?? trials[active[0]].Data.Count);
        using var scope = NewDisposeScope();
        scales = learningRates.Select(r => r / rows).ToArray();
        var values = tensor(scales, dtype: dtype, device: device);
        scale = (stacked ? values.view(-1, 1, 1) : values.view(1, 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Loads the batches of the next steps: one (steps, B) index tensor per active trial, or for a
    /// shared-input kernel one for all (its trials draw the same indices); this call disposes them.
    /// </summary>
    public void Load(Tensor[] indices)
    {
        if (wide && indices.Length != 1)
            throw new ArgumentException($"A shared-input kernel takes one index tensor for all its trials; {indices.Length} were given.", nameof(indices));
        if (!wide && indices.Length != active.Count)
            throw new ArgumentException($"{indices.Length} index tensors were given for {active.Count} active trials.", nameof(indices));
        chunk?.Dispose();
        using (var scope = NewDisposeScope())
        {
            if (wide)
            {
                // Each trial's rows of flatY: the shared indices shifted by the trial's dataset offset, by broadcasting.
                var idx = indices[0];
                using var shift = tensor(active.Select(i => offsets[i]).ToArray(), dtype: ScalarType.Int64, device: idx.device).view(1, -1, 1);
                chunk = idx.unsqueeze(1).Plus(shift).reshape(idx.shape[0], -1).MoveToOuterDisposeScope();
                chunkX?.Dispose();
                chunkX = idx.clone().MoveToOuterDisposeScope();
            }
            else
            {
                var shifted = indices.Select((idx, p) => offsets[active[p]] == 0 ? idx.alias() : idx.Plus(offsets[active[p]])).ToArray();
                chunk = (shifted.Length == 1 ? shifted[0] : stack(shifted, 1)).reshape(indices[0].shape[0], -1).MoveToOuterDisposeScope();
            }
        }
        foreach (var idx in indices) idx.Dispose();
        chunkStep = 0;
        ReleaseBlock();
    }

    /// <summary>One SGD step of every active trial; returns each one's batch loss 0.5 ||r||^2 / B before the step.</summary>
    /// <remarks>Its few temporaries are disposed one by one as they die (no dispose scope: at the small size a step is mostly overhead).</remarks>
    public double[] Step()
    {
        if (batchSize is { } b)
        {
            if (chunk is null) throw new InvalidOperationException("No batches loaded: call Load before Step in a mini-batch run.");
            if (blockX is null || chunkStep - blockStart >= blockX.size(0)) GatherBlock(b);
            var j = chunkStep++ - blockStart;
            var (x, xT) = (blockX!.select(0, j), blockXT!.select(0, j));
            try
            {
                if (wide) return StepWide(x, xT, chunkStep - 1);
                // The top layer's products go into the residuals' buffer, and the targets are read from
                // the dataset's rows where they lie (Residuals_).
                ProductInto(residualView!, Forward(activation, x, weights, hidden, hiddenView), weights[^1]);
                var losses = Residuals_(chunkStep - 1);
                Backward(residualView!, xT);
                return losses;
            }
            finally
            {
                x.Dispose();
                xT.Dispose();
            }
        }
        using var g = Residual(fullY!, Forward(activation, fullX!, weights, hidden, hiddenView), weights[^1]);
        var fullLosses = BatchLosses(g);
        g.mul_(scale!);
        Backward(g, fullXT!);
        return fullLosses;
    }

    /// <summary>Back-propagates the scaled residuals r through every layer, each signal into its buffer, and updates every weight in place.</summary>
    void Backward(Tensor r, Tensor xT)
    {
        var g = r;
        for (var l = weights.Length - 1; l >= 0; l--)
        {
            if (l > 0)
            {
                ProductInto(signals[l - 1], g, upperT[l]);
                activation.GatedByOutput_(signals[l - 1], hiddenView[l - 1]);
            }
            AddProduct_(weights[l], l == 0 ? xT : hiddenT[l - 1], g);
            if (l > 0) g = signals[l - 1];
        }
    }

    /// <summary>
    /// The step of a shared-input kernel: h_1 of every trial by one wide product X~ W_1 (B, S), the
    /// layers above and the products h~ W of the top layer per part (stacked products), the residuals
    /// of all trials at once from those products and the targets (<see cref="Residuals_"/>), the
    /// signals down to the first layer per part, written into one (B, S) signal, gated once, and every
    /// first layer updated by one wide product X~^T g_1. The same arithmetic as a trial alone, in
    /// another grouping of the products.
    /// </summary>
    /// <param name="x">The shared batch X~ (B, d + 1).</param>
    /// <param name="xT">Its transpose.</param>
    /// <param name="step">The step's row of <see cref="chunk"/>: each trial's batch rows in flatY.</param>
    double[] StepWide(Tensor x, Tensor xT, int step)
    {
        ProductInto(wideA!, x, wideW!);
        foreach (var part in parts)
        {
            activation.ApplyInto_(part.A, part.HiddenView[0]); // the parts' blocks cover wideA

            var top = Forward(activation, part.Hidden[0], part.UpperW, part.UpperHidden, part.UpperHiddenView);
            ProductInto(part.R, top, part.W[^1]);
        }
        var losses = Residuals_(step);
        foreach (var part in parts)
        {
            var g = part.R;
            for (var l = part.W.Length - 1; l >= 1; l--)
            {
                Tensor? below = null;
                if (l > 1) below = SignalBelow(activation, g, part.UpperT[l], part.HiddenView[l - 1]);
                else ProductInto(part.G, g, part.UpperT[1]); // gated below, for every trial at once
                AddProduct_(part.W[l], part.HiddenT[l - 1], g);
                if (!ReferenceEquals(g, part.R)) g.Dispose();
                g = below!;
            }
        }
        activation.GatedByOutput_(wideG!, wideA!);
        AddProduct_(wideW!, xT, wideG!);
        return losses;
    }

    /// <summary>
    /// residuals &lt;- (y - residuals) * lr_t / B for every trial, where residuals holds the products h~ W
    /// and y each trial's targets at this step; returns each trial's loss 0.5 ||r||^2 / B before the
    /// scaling. Read straight from the targets' memory where it can be (<see cref="HostMemory.ResidualsFromTargets_"/>);
    /// otherwise the targets are gathered and libtorch does the same arithmetic (y - p is -p + y in IEEE
    /// arithmetic, bit for bit).
    /// </summary>
    double[] Residuals_(int step)
    {
        var losses = new double[active.Count];
        if (lossesOnDevice is null && HostMemory.ResidualsFromTargets_(residuals!, flatY, chunk!, step, scales, losses))
        {
            var batch = (double)rowsPerStep;
            for (var p = 0; p < losses.Length; p++) losses[p] /= batch;
            return losses;
        }
        using var rows = chunk!.select(0, step);
        using var gathered = flatY.index_select(0, rows);
        using var y = gathered.view(residuals!.shape);
        residuals!.neg_().Plus_(y);
        losses = BatchLosses(residuals);
        residuals.mul_(scale!);
        return losses;
    }

    /// <summary>
    /// Each trial's batch loss 0.5 ||r||^2 / B, read to the host; within <see cref="StepOnDevice"/>,
    /// left on r's device in <see cref="lossesOnDevice"/> instead (and an empty array returned).
    /// </summary>
    double[] BatchLosses(Tensor r)
    {
        var batch = (double)rowsPerStep;
        if (lossesOnDevice is not null)
        {
            using var flat = r.dim() == 2 ? r.reshape(1, -1) : r.flatten(1);
            using var norms = flat.norm(1, false, 2.0f);
            using var wide = norms.to(ScalarType.Float64);
            lossesOnDevice[0] = wide.mul(wide).Times_(0.5 / batch);
            return [];
        }
        var losses = HalfSquaredNorms(r);
        for (var p = 0; p < losses.Length; p++) losses[p] /= batch;
        return losses;
    }

    /// <summary>Set only within <see cref="StepOnDevice"/>: where the step leaves its losses.</summary>
    Tensor?[]? lossesOnDevice;

    /// <summary>
    /// One SGD step of every active trial, as <see cref="Step"/>, with no read to the host: returns
    /// each active trial's batch loss 0.5 ||r||^2 / B before the step as a float64 tensor (T_active,)
    /// on the kernel's device, owned by the caller. Always takes libtorch's operators for the loss
    /// (never the direct host pass), so on the CPU its losses equal <see cref="Step"/>'s to round-off.
    /// </summary>
    public Tensor StepOnDevice()
    {
        lossesOnDevice = new Tensor?[1];
        try
        {
            Step();
            return lossesOnDevice[0] ?? throw new InvalidOperationException("The step left no losses.");
        }
        finally { lossesOnDevice = null; }
    }

    /// <summary>The weights of the trial at stack position <paramref name="p"/> of a shared-input kernel: views, (r, c) each.</summary>
    Tensor[] WeightsAt(int p)
    {
        var part = parts.First(pt => p < pt.Start + pt.Count);
        return part.W.Select(w => w.select(0, p - part.Start)).ToArray();
    }

    /// <summary>Builds the shared-input state from the active trials' students (in stack order).</summary>
    void BuildWide()
    {
        using var scope = NewDisposeScope();
        var b = batchSize!.Value;
        var students = active.Select(i => trials[i].Student).ToArray();
        var d1 = students[0].InputDim + 1;
        wideW = cat(students.Select(s => s.Weights[0]).ToArray(), 1).MoveToOuterDisposeScope();
        var width = wideW.shape[1];
        wideA = empty([b, width], dtype: dtype, device: device).MoveToOuterDisposeScope();
        wideG = zeros([b, width], dtype: dtype, device: device).MoveToOuterDisposeScope();
        residuals = empty([students.Length, b, students[0].OutputDim], dtype: dtype, device: device).MoveToOuterDisposeScope();
        var built = new List<Part>();
        long column = 0;
        for (var start = 0; start < students.Length;)
        {
            var widths = students[start].Widths;
            var count = 1;
            while (start + count < students.Length && students[start + count].Widths.SequenceEqual(widths)) count++;
            var members = students.Skip(start).Take(count).ToArray();
            var n1 = widths[1];
            var layers = widths.Count - 1;
            var part = new Part { Start = start, Count = count };
            Tensor Block(Tensor t, long rows) => t.narrow(1, column, count * n1).view(rows, count, n1).permute(1, 0, 2).MoveToOuterDisposeScope();
            part.A = Block(wideA, b);
            part.G = Block(wideG, b);
            part.R = residuals.narrow(0, start, count).MoveToOuterDisposeScope();
            part.W = new Tensor[layers];
            part.W[0] = Block(wideW, d1);
            for (var l = 1; l < layers; l++) part.W[l] = stack(members.Select(s => s.Weights[l]).ToArray(), 0).MoveToOuterDisposeScope();
            part.UpperT = new Tensor[layers];
            for (var l = 1; l < layers; l++)
                part.UpperT[l] = part.W[l].narrow(-2, 0, part.W[l].shape[^2] - 1).transpose(-2, -1).MoveToOuterDisposeScope();
            part.Hidden = new Tensor[layers - 1];
            part.HiddenView = new Tensor[layers - 1];
            part.HiddenT = new Tensor[layers - 1];
            for (var l = 0; l < layers - 1; l++)
            {
                part.Hidden[l] = ones([count, b, widths[l + 1] + 1], dtype: dtype, device: device).MoveToOuterDisposeScope();
                part.HiddenView[l] = part.Hidden[l].narrow(-1, 0, widths[l + 1]).MoveToOuterDisposeScope();
                part.HiddenT[l] = part.Hidden[l].transpose(-2, -1).MoveToOuterDisposeScope();
            }
            part.UpperW = part.W.Skip(1).ToArray();
            part.UpperHidden = part.Hidden.Skip(1).ToArray();
            part.UpperHiddenView = part.HiddenView.Skip(1).ToArray();
            built.Add(part);
            column += count * n1;
            start += count;
        }
        parts = built.ToArray();
    }

    void DisposeWide()
    {
        foreach (var part in parts)
            foreach (var t in part.All()) t.Dispose();
        parts = [];
        wideW?.Dispose();
        wideA?.Dispose();
        wideG?.Dispose();
        residuals?.Dispose();
        wideW = wideA = wideG = residuals = null;
    }

    /// <summary>
    /// Training loss 1/2 E||f* - f||^2 and max_x ||g_1(x)|| over the whole dataset of active trial
    /// <paramref name="trial"/>, from the stacked weights (no write-back needed).
    /// </summary>
    public (double Loss, double MaxSampleGradient) Measure(int trial)
    {
        using var scope = NewDisposeScope();
        var p = active.IndexOf(trial);
        var w = wide ? WeightsAt(p) : stacked ? weights.Select(t => t.select(0, p)).ToArray() : weights;
        var n = trials[trial].Data.Count;
        var x = flatX.narrow(0, wide ? 0 : offsets[trial], n);
        var y = flatY.narrow(0, offsets[trial], n);
        return IntraOpThreads.Run(SgdTrainer.MeasureFlops(trials[trial].Student, n), () => Summarize(Signals(activation, w, x, y)));
    }

    /// <summary>
    /// Loss and max_x ||g_1(x)|| from the signals of <see cref="Signals"/> (rank 2); with <paramref name="everyLayer"/>,
    /// max_x max_l ||g_l(x)|| over every layer's signal, the output residual included.
    /// </summary>
    internal static (double Loss, double MaxSampleGradient) Summarize(Tensor[] signals, bool everyLayer = false)
    {
        using var scope = NewDisposeScope();
        var residual = signals[^1];
        var loss = HalfSquaredNorms(residual)[0] / residual.shape[0];
        var maxGrad = (everyLayer ? signals : signals.Take(1)).Max(g => { using var top = Runtime.TensorOps.RowNorms(g).max(); return top.Value(); });
        return (loss, maxGrad);
    }

    /// <summary>
    /// The back-propagated signals of every layer for every sample, by the step's own forward and
    /// backward pass: x~ (N, d + 1), y (N, outputs) -> [g_1 (N, n_1), ..., g_{L-1}, r (N, outputs)].
    /// </summary>
    internal static Tensor[] Signals(Activation activation, IReadOnlyList<Tensor> weights, Tensor xAugmented, Tensor y)
    {
        using var scope = NewDisposeScope();
        var rows = xAugmented.shape[0];
        var layers = weights.Count;
        var hidden = new Tensor[layers - 1];
        var view = new Tensor[layers - 1];
        for (var l = 0; l < layers - 1; l++)
        {
            var width = weights[l].shape[1];
            hidden[l] = ones([rows, width + 1], dtype: weights[l].dtype, device: weights[l].device);
            view[l] = hidden[l].narrow(1, 0, width);
        }
        var a = Forward(activation, xAugmented, weights, hidden, view);
        var signals = new Tensor[layers];
        signals[^1] = Residual(y, a, weights[^1]);
        for (var l = layers - 1; l > 0; l--)
        {
            var w = weights[l];
            using var upper = w.narrow(0, 0, w.shape[0] - 1).t();
            signals[l - 1] = SignalBelow(activation, signals[l], upper, view[l - 1]);
        }
        foreach (var s in signals) s.MoveToOuterDisposeScope();
        return signals;
    }

    /// <summary>Writes h_l = sigma(h~_{l-1} W_l) into each hidden buffer; returns the top buffer h~_{L-1} (or x when there is none).</summary>
    static Tensor Forward(Activation activation, Tensor x, IReadOnlyList<Tensor> weights, Tensor[] hidden, Tensor[] hiddenView)
    {
        var a = x;
        for (var l = 0; l < hidden.Length; l++)
        {
            ProductInto(hiddenView[l], a, weights[l]);
            activation.Apply_(hiddenView[l]);
            a = hidden[l];
        }
        return a;
    }

    /// <summary>g_{l-1} = sigma'(a_{l-1}) * (g_l W_l^T), with the gate read from h_{l-1} = sigma(a_{l-1}); a new tensor.</summary>
    static Tensor SignalBelow(Activation activation, Tensor g, Tensor upperT, Tensor hBelow)
    {
        var below = empty_like(hBelow);
        ProductInto(below, g, upperT);
        return activation.GatedByOutput_(below, hBelow);
    }

    /// <summary>target &lt;- a b (target is a view into a hidden buffer or a signal).</summary>
    static void ProductInto(Tensor target, Tensor a, Tensor b)
    {
        if (BatchedGemm.TryMultiply(target, a, b, alpha: 1, beta: 0)) return;
        if (a.dim() == 2) target.addmm_(a, b, beta: 0, alpha: 1);
        else
        {
            using var product = a.bmm(b);
            target.copy_(product);
        }
    }

    /// <summary>w &lt;- w + a b, in place.</summary>
    static void AddProduct_(Tensor w, Tensor a, Tensor b)
    {
        if (BatchedGemm.TryMultiply(w, a, b, alpha: 1, beta: 1)) return;
        if (a.dim() == 2) w.addmm_(a, b, beta: 1, alpha: 1);
        else
        {
            using var product = a.bmm(b);
            w.Plus_(product);
        }
    }

    /// <summary>y - a w, a new tensor.</summary>
    static Tensor Residual(Tensor y, Tensor a, Tensor w) =>
        a.dim() == 2 ? addmm(y, a, w, beta: 1, alpha: -1) : a.baddbmm(w, y, beta: 1, alpha: -1);

    /// <summary>0.5 ||r_t||_F^2 of each trial's residual (one value for rank 2).</summary>
    static double[] HalfSquaredNorms(Tensor r)
    {
        if (HostMemory.HalfSumsOfSquares(r, r.dim() == 2 ? 1 : r.size(0)) is { } direct) return direct;
        // Read as float64 whatever the dtype (a float32 student's norms are float32 tensors).
        double[] values;
        if (r.dim() == 2)
        {
            using var norm = r.norm(2.0f);
            values = [norm.Value()];
        }
        else
        {
            using var flat = r.flatten(1);
            using var norms = flat.norm(1, false, 2.0f);
            using var onCpu = norms.to(ScalarType.Float64, CPU);
            values = onCpu.data<double>().ToArray();
        }
        for (var p = 0; p < values.Length; p++) values[p] = 0.5 * values[p] * values[p];
        return values;
    }

    void GatherBlock(int batch)
    {
        ReleaseBlock();
        using var scope = NewDisposeScope();
        // Only inputs are gathered here (a shared-input kernel's one batch per step); every mini-batch
        // step reads its targets where they lie (Residuals_).
        var count = wide ? 1 : active.Count;
        var steps = Math.Min(Math.Max(1, BlockRows / (count * batch)), (int)chunk!.shape[0] - chunkStep);
        var rows = (wide ? chunkX! : chunk).narrow(0, chunkStep, steps).reshape(-1);
        long[] shapeX = stacked && !wide ? [steps, count, batch, flatX.shape[1]] : [steps, batch, flatX.shape[1]];
        // Detached, not moved out: the caller (Step) runs in its own scope, and the block outlives it.
        // Float64 on the CPU: into a buffer kept for the kernel's life (HostMemory.GatherRows_); else a new tensor.
        var needed = rows.size(0);
        Tensor? into = null;
        if (flatX.dtype == ScalarType.Float64 && flatX.device_type == DeviceType.CPU)
        {
            if (gathered is null || gathered.size(0) < needed)
            {
                gathered?.Dispose();
                gathered = empty([Math.Max(needed, BlockRows), flatX.size(1)], dtype: flatX.dtype, device: flatX.device).DetachFromDisposeScope();
            }
            into = gathered.narrow(0, 0, needed);
        }
        blockX = (into is not null && HostMemory.GatherRows_(into, flatX, rows) ? into : flatX.index_select(0, rows)).view(shapeX).DetachFromDisposeScope();
        blockXT = blockX.transpose(-2, -1).DetachFromDisposeScope();
        blockStart = chunkStep;
    }

    void ReleaseBlock()
    {
        blockX?.Dispose();
        blockXT?.Dispose();
        blockX = blockXT = null;
    }

    /// <summary>Copies the stacked weights of <paramref name="trialIndices"/> (active ones) back into their students (nothing to do for a single trial).</summary>
    public void WriteBack(IEnumerable<int> trialIndices)
    {
        if (!stacked) return;
        foreach (var i in trialIndices)
        {
            var p = active.IndexOf(i);
            var student = trials[i].Student;
            if (wide)
            {
                var views = WeightsAt(p);
                for (var l = 0; l < views.Length; l++)
                {
                    student.Weights[l].copy_(views[l]);
                    views[l].Dispose();
                }
                continue;
            }
            for (var l = 0; l < weights.Length; l++)
            {
                using var slice = weights[l].select(0, p);
                student.Weights[l].copy_(slice);
            }
        }
    }

    /// <summary>Removes stopped trials from the stack (writing their weights back first unless already done).</summary>
    public void Retire(IReadOnlyCollection<int> trialIndices, bool writeBack = true)
    {
        // A shared-input kernel is rebuilt from the students of the trials that go on: all are written back.
        if (wide) WriteBack(active);
        else if (writeBack) WriteBack(trialIndices);
        var keepPositions = active.Select((i, p) => (i, p)).Where(ip => !trialIndices.Contains(ip.i)).Select(ip => (long)ip.p).ToArray();
        active.RemoveAll(trialIndices.Contains);
        DisposeViews();
        DisposeWide();
        ReleaseBlock();
        if (active.Count == 0)
        {
            if (stacked) foreach (var w in weights) w.Dispose();
            weights = [];
            chunk?.Dispose();
            chunkX?.Dispose();
            chunk = chunkX = null;
            return;
        }
        using (var scope = NewDisposeScope())
        {
            var keep = tensor(keepPositions, device: device);
            if (!wide) weights = weights.Select(w => { var kept = w.index_select(0, keep).MoveToOuterDisposeScope(); w.Dispose(); return kept; }).ToArray();
            if (chunk is not null)
            {
                var steps = chunk.shape[0];
                var kept = chunk.view(steps, keepPositions.Length + trialIndices.Count, -1).index_select(1, keep).reshape(steps, -1).MoveToOuterDisposeScope();
                chunk.Dispose();
                chunk = kept;
            }
        }
        if (wide) BuildWide();
        else BuildViews();
        SetRates(keepPositions.Select(p => rates[p]).ToArray());
    }

    void BuildViews()
    {
        using var scope = NewDisposeScope();
        var dtype = weights[0].dtype;
        var device = weights[0].device;
        upperT = new Tensor[weights.Length];
        for (var l = 1; l < weights.Length; l++)
            upperT[l] = weights[l].narrow(-2, 0, weights[l].shape[^2] - 1).transpose(-2, -1).MoveToOuterDisposeScope();
        var rows = batchSize ?? trials[active[0]].Data.Count;
        var hiddenLayers = weights.Length - 1;
        hidden = new Tensor[hiddenLayers];
        hiddenView = new Tensor[hiddenLayers];
        hiddenT = new Tensor[hiddenLayers];
        for (var l = 0; l < hiddenLayers; l++)
        {
            var width = weights[l].shape[^1];
            long[] shape = stacked ? [active.Count, rows, width + 1] : [rows, width + 1];
            hidden[l] = ones(shape, dtype: dtype, device: device).MoveToOuterDisposeScope();
            hiddenView[l] = hidden[l].narrow(-1, 0, width).MoveToOuterDisposeScope();
            hiddenT[l] = hidden[l].transpose(-2, -1).MoveToOuterDisposeScope();
        }
        signals = hiddenView.Select(v => empty(v.shape, dtype: dtype, device: device).MoveToOuterDisposeScope()).ToArray();
        if (batchSize is { } b)
        {
            residuals = empty([active.Count, b, weights[^1].shape[^1]], dtype: dtype, device: device).MoveToOuterDisposeScope();
            residualView = (stacked ? residuals.alias() : residuals.select(0, 0)).MoveToOuterDisposeScope();
        }
        if (batchSize is null)
        {
            var n = trials[active[0]].Data.Count;
            if (stacked)
            {
                var starts = active.Select(i => offsets[i]).ToArray();
                var index = tensor(starts, device: flatX.device).view(-1, 1).Plus(Scalars.Range(n, flatX.device).view(1, -1)).reshape(-1);
                fullX = flatX.index_select(0, index).view(active.Count, n, -1).MoveToOuterDisposeScope();
                fullY = flatY.index_select(0, index).view(active.Count, n, -1).MoveToOuterDisposeScope();
            }
            else
            {
                fullX = flatX.alias().MoveToOuterDisposeScope();
                fullY = flatY.alias().MoveToOuterDisposeScope();
            }
            fullXT = fullX.transpose(-2, -1).MoveToOuterDisposeScope();
        }
    }

    void DisposeViews()
    {
        foreach (var t in hiddenT.Concat(hiddenView).Concat(hidden).Concat(signals)) t.Dispose();
        signals = [];
        if (!wide)
        {
            residualView?.Dispose();
            residuals?.Dispose();
            residualView = residuals = null;
        }
        foreach (var t in upperT.Skip(1)) t.Dispose();
        fullXT?.Dispose();
        fullX?.Dispose();
        fullY?.Dispose();
        fullX = fullXT = fullY = null;
        hidden = hiddenView = hiddenT = upperT = [];
    }

    public void Dispose()
    {
        DisposeViews();
        DisposeWide();
        chunkX?.Dispose();
        ReleaseBlock();
        gathered?.Dispose();
        gathered = null;
        if (stacked) foreach (var w in weights) w.Dispose();
        weights = [];
        chunk?.Dispose();
        scale?.Dispose();
        flatX.Dispose();
        flatY.Dispose();
    }
}
