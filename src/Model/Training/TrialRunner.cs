using Verify.Model.Runtime;

namespace Verify.Model.Training;

/// <summary>
/// Runs independent trials (seeds, configurations) on all cores, one libtorch intra-op thread
/// each: at the paper's sizes one thread per trial is fastest, so cores are used by running trials
/// side by side. Results come back in input order, whatever order they finish in.
/// </summary>
/// <remarks>
/// Each worker marks its thread (see <see cref="IntraOpThreads"/>): one intra-op thread while it runs
/// a trial, restored afterwards, and no multi-threaded full-dataset passes inside a trial. libtorch's
/// thread count is per thread once a thread has run a parallel operation, and otherwise a process
/// default; setting it on the worker's own thread is right in both cases.
/// </remarks>
public static class TrialRunner
{
    /// <summary>Workers used when none is given: the machine's processor count.</summary>
    public static int DefaultWorkers => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Applies <paramref name="run"/> to every item on up to <paramref name="workers"/> threads.</summary>
    public static TResult[] RunAll<TItem, TResult>(IReadOnlyList<TItem> items, Func<TItem, TResult> run, int? workers = null, Action<int, int>? onProgress = null)
    {
        TorchRuntime.EnsureInitialized();
        var count = workers ?? DefaultWorkers;
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(workers), count, $"Workers must be >= 1; got {count}.");
        var results = new TResult[items.Count];
        var done = 0;
        if (count == 1 || items.Count <= 1)
        {
            for (var i = 0; i < items.Count; i++)
            {
                results[i] = Named(items, i, run);
                onProgress?.Invoke(++done, items.Count);
            }
            return results;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = count };
        try
        {
            Parallel.For(0, items.Count, options, i =>
            {
                using (IntraOpThreads.Worker())
                    results[i] = Named(items, i, run);
                onProgress?.Invoke(Interlocked.Increment(ref done), items.Count);
            });
        }
        catch (AggregateException parallel)
        {
            // Report the failing trial itself, not a bare AggregateException whose message says only
            // "One or more errors occurred": callers then see the exception type they expect.
            var failures = parallel.Flatten().InnerExceptions;
            if (failures.Count > 1 && failures.All(e => e is TrialFailedException))
                throw new TrialFailedException(
                    $"{failures.Count} trials failed: " + string.Join("; ", failures.Select(f => f.Message)), failures[0].InnerException!);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[0]).Throw();
        }
        return results;
    }

    /// <summary>Runs trial <paramref name="index"/>; a libtorch error comes back naming the trial and the operation.</summary>
    static TResult Named<TItem, TResult>(IReadOnlyList<TItem> items, int index, Func<TItem, TResult> run)
    {
        try
        {
            return run(items[index]);
        }
        catch (Exception error) when (NativeFailure.IsNative(error))
        {
            throw new TrialFailedException($"trial {index} ({items[index]}) failed: {NativeFailure.Describe(error)}", error);
        }
    }
}
