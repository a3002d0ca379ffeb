using TorchSharp;

namespace Verify.Model.Training;

/// <summary>
/// Chooses libtorch's intra-op thread count for the size of a piece of work, and restores it after.
/// A training step of the paper's sizes (about 0.5 MFLOP in a dozen operations) runs on one thread,
/// and so does an end-of-epoch pass over N = 10,000 samples (about 0.2 GFLOP): on a small machine
/// shared with other work, libtorch's threads wait on a core that is busy elsewhere and lose more
/// than they gain (the figures: docs/dev/performance.md, "Figures moved out of the code"). Only work of
/// a GFLOP or more, where the possible gain is large, uses every core, and never on one of
/// <see cref="TrialRunner"/>'s workers, where the other cores already run other trials.
/// </summary>
/// <remarks>
/// With libtorch's OpenMP build, torch.set_num_threads sets the count of the calling
/// thread and the default that threads adopt on their first parallel operation; threads that
/// already ran one keep their own count. Setting and restoring it on the thread that does the
/// work is therefore correct whichever way a build implements it.
/// </remarks>
internal static class IntraOpThreads
{
    /// <summary>Work below this many floating-point operations runs on one thread.</summary>
    public const double ParallelFlops = 1e9;

    [ThreadStatic] static bool inWorker;

    /// <summary>True on a thread that runs one trial among others side by side.</summary>
    public static bool InWorker => inWorker;

    /// <summary>Threads for a piece of work of <paramref name="flops"/> operations.</summary>
    public static int For(double flops) => inWorker || flops < ParallelFlops ? 1 : Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="body"/> with the thread count chosen for <paramref name="flops"/>, then restores the count.</summary>
    public static T Run<T>(double flops, Func<T> body) => With(For(flops), body);

    /// <summary>Runs <paramref name="body"/> with <paramref name="threads"/> intra-op threads on this thread, then restores the count.</summary>
    public static T With<T>(int threads, Func<T> body)
    {
        var before = torch.get_num_threads();
        if (before == threads) return body();
        torch.set_num_threads(threads);
        try { return body(); }
        finally { torch.set_num_threads(before); }
    }

    /// <summary>Marks this thread as a side-by-side trial worker with one intra-op thread until disposed.</summary>
    public static IDisposable Worker() => new WorkerMark();

    sealed class WorkerMark : IDisposable
    {
        readonly bool wasWorker = inWorker;
        readonly int before = torch.get_num_threads();

        public WorkerMark()
        {
            inWorker = true;
            if (before != 1) torch.set_num_threads(1);
        }

        public void Dispose()
        {
            inWorker = wasWorker;
            if (before != 1) torch.set_num_threads(before);
        }
    }
}
