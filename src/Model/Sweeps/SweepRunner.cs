using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Training;

namespace Verify.Model.Sweeps;

/// <summary>What one task of a sweep did: runs trained, skipped (a result existed) and failed (error written).</summary>
public sealed record SweepTaskReport(int Ran, int Skipped, int Failed, IReadOnlyList<string> Errors);

/// <summary>
/// Trains the runs of a sweep's manifest lines and writes their results. Every run trains alone
/// (<see cref="TwoLayerExperiment.Run(TwoLayerConfig)"/>), so its numbers do not depend on which
/// other runs share its task: a sweep run line by line, in chunks, through a job array or all at
/// once in one process writes the same results.
/// </summary>
public static class SweepRunner
{
    /// <summary>
    /// Runs <paramref name="entries"/> on up to <paramref name="workers"/> cores. A run whose result
    /// exists is skipped; a run that throws writes its error to failed/ and the others go on.
    /// </summary>
    public static SweepTaskReport Run(string dir, IReadOnlyList<SweepEntry> entries, int workers,
        Action<int, int>? onProgress = null, Func<TwoLayerConfig, TwoLayerRun>? train = null)
    {
        train ??= TwoLayerExperiment.Run;
        var todo = entries.Where(e => !SweepFiles.HasResult(dir, e.RunId)).ToArray();
        var outcomes = TrialRunner.RunAll(todo, entry =>
        {
            try
            {
                SweepFiles.WriteResult(dir, entry, train(entry.Config));
                return null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                SweepFiles.WriteFailure(dir, entry, e);
                return $"run {entry.Index} ({entry.RunId}, {entry.Config}): {e.GetType().Name}: {e.Message}";
            }
        }, workers, onProgress);
        var errors = outcomes.OfType<string>().ToArray();
        return new SweepTaskReport(todo.Length - errors.Length, entries.Count - todo.Length, errors.Length, errors);
    }
}
