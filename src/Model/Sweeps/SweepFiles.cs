using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Verify.Model.Evidence;

namespace Verify.Model.Sweeps;

/// <summary>
/// The files of a sweep's runs. A result is written to a temporary file in results/ and then
/// renamed to results/&lt;run id&gt;.json, never overwriting one that exists: a task killed at any
/// moment leaves either no result or a whole one, and two tasks on one run leave one whole result.
/// </summary>
public static partial class SweepFiles
{
    public const string ResultsFolder = "results";
    public const string FailedFolder = "failed";
    const string TemporarySuffix = ".tmp";

    public static string ResultPath(string dir, string runId) => Path.Combine(dir, ResultsFolder, runId + ".json");
    public static string FailurePath(string dir, string runId) => Path.Combine(dir, FailedFolder, runId + ".json");

    public static bool HasResult(string dir, string runId) => File.Exists(ResultPath(dir, runId));

    /// <summary>
    /// Writes the result of <paramref name="entry"/> atomically and removes an earlier failure of it.
    /// Returns false when another task wrote the result first (that one is kept; runs are deterministic).
    /// </summary>
    public static bool WriteResult(string dir, SweepEntry entry, TwoLayerRun run)
    {
        if (SweepJson.RunId(run.Config) != entry.RunId)
            throw new ArgumentException($"The run's configuration has id {SweepJson.RunId(run.Config)}, not {entry.RunId} of manifest line {entry.Index}.", nameof(run));
        var json = JsonSerializer.Serialize(new SweepResult(entry.RunId, entry.Index, entry.Experiment, run), SweepJson.Options) + "\n";
        var written = WriteAtomically(ResultPath(dir, entry.RunId), json, overwrite: false);
        if (File.Exists(FailurePath(dir, entry.RunId))) File.Delete(FailurePath(dir, entry.RunId));
        return written;
    }

    /// <summary>Records why the run of <paramref name="entry"/> failed (replacing an earlier failure).</summary>
    public static void WriteFailure(string dir, SweepEntry entry, Exception error) =>
        WriteAtomically(FailurePath(dir, entry.RunId),
            JsonSerializer.Serialize(new SweepFailure(entry.RunId, entry.Index, entry.Experiment, error.GetType().FullName ?? error.GetType().Name, error.Message, DateTime.UtcNow), SweepJson.Options) + "\n",
            overwrite: true);

    /// <summary>
    /// Writes <paramref name="text"/> to a new temporary file beside <paramref name="path"/>, flushes
    /// it to disk, and renames it to <paramref name="path"/>. Without <paramref name="overwrite"/> an
    /// existing file is kept and false returned. The temporary file never survives a normal return.
    /// </summary>
    public static bool WriteAtomically(string path, string text, bool overwrite)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }
            // Without overwrite, a hard link claims the name atomically (it fails if the name exists):
            // 16 writers racing through File.Move once left 2 winners in a test run on ext4.
            if (!overwrite && !OperatingSystem.IsWindows())
            {
                int linked, error;
                try
                {
                    linked = HardLink(temporary, path);
                    error = Marshal.GetLastPInvokeError();
                }
                catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
                {
                    (linked, error) = (-1, 0); // no libc by that name: the move below
                }
                if (linked == 0) return true;
                if (error == AlreadyExists) return false;
                // Links unsupported here (another errno): the move below, as before.
            }
            try
            {
                File.Move(temporary, path, overwrite);
                return true;
            }
            catch (IOException) when (!overwrite && File.Exists(path))
            {
                return false;
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    const int AlreadyExists = 17; // EEXIST on Linux and macOS

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int HardLink(string existing, string created);

    /// <summary>Reads every result and failure of <paramref name="manifest"/>'s sweep in <paramref name="dir"/> and checks each result against its manifest line.</summary>
    public static SweepScan Scan(string dir, SweepManifest manifest)
    {
        var done = new Dictionary<int, SweepResult>();
        var refused = new List<RefusedFile>();
        var temporary = new List<string>();
        var results = Path.Combine(dir, ResultsFolder);
        if (Directory.Exists(results))
            foreach (var file in Directory.EnumerateFiles(results).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name.StartsWith('.') && name.EndsWith(TemporarySuffix, StringComparison.Ordinal)) { temporary.Add(file); continue; }
                var (result, problem) = Check(file, manifest);
                if (problem is not null) refused.Add(new RefusedFile(file, problem));
                else done[result!.Index] = result;
            }
        var failed = new Dictionary<int, SweepFailure>();
        var failures = Path.Combine(dir, FailedFolder);
        if (Directory.Exists(failures))
            foreach (var file in Directory.EnumerateFiles(failures, "*.json"))
            {
                try
                {
                    var failure = JsonSerializer.Deserialize<SweepFailure>(File.ReadAllText(file), SweepJson.Options);
                    if (failure is not null && manifest.Find(failure.RunId) is { } entry && !done.ContainsKey(entry.Index)) failed[entry.Index] = failure;
                }
                catch (JsonException) { /* a failure record cut short says no more than its absence */ }
            }
        var missing = manifest.Entries.Where(e => !done.ContainsKey(e.Index)).Select(e => e.Index).ToArray();
        return new SweepScan(done, failed, missing, refused, temporary);
    }

    /// <summary>A result file checked against the manifest: its JSON, its name, its run id, its configuration.</summary>
    static (SweepResult? Result, string? Problem) Check(string file, SweepManifest manifest)
    {
        var name = Path.GetFileName(file);
        if (!name.EndsWith(".json", StringComparison.Ordinal)) return (null, "not a result file (results/ holds <run id>.json files only)");
        SweepResult? result;
        try { result = JsonSerializer.Deserialize<SweepResult>(File.ReadAllText(file), SweepJson.Options); }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            return (null, $"corrupt: not a whole result ({e.Message})");
        }
        if (result?.Run?.Config is null || result.RunId is null) return (null, "corrupt: not a whole result (fields missing)");
        var stem = name[..^".json".Length];
        if (result.RunId != stem) return (null, $"holds run {result.RunId} but is named {name}");
        var entry = manifest.Find(result.RunId);
        if (entry is null) return (null, $"foreign: run {result.RunId} is not in this sweep's manifest (a result of another sweep?)");
        if (SweepJson.RunId(result.Run.Config) != result.RunId)
            return (null, $"foreign: its configuration ({result.Run.Config}) is not that of run {result.RunId}, manifest line {entry.Index}");
        return (result with { Index = entry.Index, Experiment = entry.Experiment }, null);
    }
}
