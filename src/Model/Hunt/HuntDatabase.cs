using System.Text;
using System.Text.Json;
using Verify.Model.Sweeps;

namespace Verify.Model.Hunt;

/// <summary>What <see cref="HuntDatabase.Merge"/> did: lines added from each task's database, and lines it held already.</summary>
public sealed record HuntMergeReport(IReadOnlyList<(string Task, int Added, int Present)> Tasks)
{
    public int Added => Tasks.Sum(t => t.Added);
    public int Present => Tasks.Sum(t => t.Present);
}

/// <summary>
/// A hunt's database: DIR/cases.jsonl, one <see cref="HuntRecord"/> per line, appended a whole line
/// at a time (one write, flushed to disk) by the one process that holds DIR/.hunt.lock. A process
/// killed while writing leaves at most a torn last line without its newline: opening the database
/// drops it (and says so), and the case it held is judged again. Any other line that does not read
/// back, or that belongs to another hunt or to other rules, is refused with its line number.
/// A hunt run as tasks writes one such database per task, DIR/tasks/task-I/, and
/// <see cref="Merge"/> adds their lines to DIR's (rewritten atomically, <see cref="SweepFiles.WriteAtomically"/>).
/// </summary>
public sealed class HuntDatabase : IDisposable
{
    public const string CasesFile = "cases.jsonl";
    public const string LockFile = ".hunt.lock";
    public const string TasksFolder = "tasks";

    readonly object gate = new();
    readonly List<HuntRecord> records = [];
    readonly HashSet<string> keys = [];
    readonly FileStream? lockStream;

    /// <summary>The folder; null for a database in memory.</summary>
    public string? Folder { get; }

    /// <summary>The hunt the database holds: bound by <see cref="Bind"/>, or read from its first line; null while it is empty and unbound.</summary>
    public HuntIdentity? Identity { get; private set; }

    /// <summary>What opening repaired (a torn last line dropped), in words; null when nothing was.</summary>
    public string? Repaired { get; }

    public string? CasesPath => Folder is null ? null : Path.Combine(Folder, CasesFile);

    HuntDatabase(string? folder, FileStream? lockStream, IEnumerable<HuntRecord> existing, string? repaired)
    {
        Folder = folder;
        this.lockStream = lockStream;
        Repaired = repaired;
        foreach (var r in existing) Keep(r);
        Identity = records.Count > 0 ? records[0].Identity : null;
    }

    /// <summary>A database that lives in memory only (tests, comparisons of strategies).</summary>
    public static HuntDatabase InMemory(HuntIdentity identity) => new(null, null, [], null) { Identity = identity };

    /// <summary>
    /// Opens (creating) the database in <paramref name="dir"/>: takes its lock (another process hunting into it is
    /// refused), drops a torn last line, reads every line. Throws <see cref="IOException"/> when the folder cannot be
    /// written or is in use, <see cref="InvalidDataException"/> when a line is not a record of one hunt.
    /// </summary>
    public static HuntDatabase Open(string dir)
    {
        var full = Path.GetFullPath(dir);
        if (File.Exists(full)) throw new IOException($"--db '{full}' is a file; a hunt's database is a folder (it holds {CasesFile}).");
        FileStream lockStream;
        try
        {
            Directory.CreateDirectory(full);
            lockStream = new FileStream(Path.Combine(full, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (UnauthorizedAccessException e) { throw new IOException($"--db '{full}': cannot write there ({e.Message.TrimEnd('.')}).", e); }
        catch (IOException e) when (Directory.Exists(full))
        {
            throw new IOException($"--db '{full}' is in use by another hunt (its lock {LockFile} is held) or cannot be written ({e.Message.TrimEnd('.')}); wait for it, or hunt into another folder.", e);
        }
        try
        {
            var path = Path.Combine(full, CasesFile);
            var (existing, torn) = ReadFile(path);
            string? repaired = null;
            if (torn > 0)
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read))
                {
                    stream.SetLength(stream.Length - torn);
                    stream.Flush(flushToDisk: true);
                }
                repaired = $"dropped a torn last line of {torn} bytes from '{path}' (a write cut short); its case is judged again";
            }
            var db = new HuntDatabase(full, lockStream, existing, repaired);
            db.CheckOneHunt(path);
            return db;
        }
        catch
        {
            lockStream.Dispose();
            throw;
        }
    }

    /// <summary>Every record, in the order written.</summary>
    public IReadOnlyList<HuntRecord> Records
    {
        get { lock (gate) return records.ToArray(); }
    }

    /// <summary>
    /// Binds the database to <paramref name="identity"/>: an empty database takes it, one that holds another hunt is refused
    /// (<see cref="InvalidDataException"/> naming both), so the cases of two hunts never mix.
    /// </summary>
    public void Bind(HuntIdentity identity)
    {
        lock (gate)
        {
            if (Identity is { } held && held != identity)
                throw new InvalidDataException($"'{CasesPath ?? "the database"}' holds the hunt of {held}, not of {identity}; continue that hunt (same claim, --reading and --seed) or hunt into another folder.");
            Identity = identity;
        }
    }

    /// <summary>Appends <paramref name="record"/> as one line (flushed to disk); false when a line with its key is there already (nothing is written).</summary>
    public bool Add(HuntRecord record)
    {
        lock (gate)
        {
            if (Identity is null) throw new InvalidOperationException("Bind the database to its hunt before adding cases.");
            if (record.Identity != Identity) throw new ArgumentException($"A case of {record.Identity} does not belong in the database of {Identity}.", nameof(record));
            if (keys.Contains(record.Key)) return false;
            if (CasesPath is { } path)
            {
                var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record, SweepJson.Options) + "\n");
                using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
                stream.Write(bytes); // one write of the whole line: a crash leaves it whole or torn at the end, never two lines interleaved
                stream.Flush(flushToDisk: true);
            }
            Keep(record);
            return true;
        }
    }

    /// <summary>
    /// Adds the lines of every task database under DIR/tasks/ that this one lacks (by key), and rewrites DIR/cases.jsonl
    /// atomically. A task still running is read as far as its whole lines go; merging again later adds the rest, and
    /// nothing twice. A task database of another hunt is refused.
    /// </summary>
    public HuntMergeReport Merge()
    {
        if (Folder is null) throw new InvalidOperationException("An in-memory database has no task databases to merge.");
        var tasksDir = Path.Combine(Folder, TasksFolder);
        var tasks = Directory.Exists(tasksDir) ? Directory.GetDirectories(tasksDir).Order(StringComparer.Ordinal).ToArray() : [];
        var report = new List<(string, int, int)>();
        lock (gate)
        {
            foreach (var task in tasks)
            {
                var path = Path.Combine(task, CasesFile);
                if (!File.Exists(path)) continue;
                var (lines, _) = ReadFile(path);
                int added = 0, present = 0;
                foreach (var r in lines)
                {
                    Identity ??= r.Identity;
                    if (r.Identity != Identity)
                        throw new InvalidDataException($"'{path}' holds cases of the hunt of {r.Identity}, not of {Identity} ('{CasesPath}'); it belongs to another hunt.");
                    if (r.RulesHash != Rules.Hash)
                        throw new InvalidDataException($"'{path}' holds cases judged under rules {r.RulesHash}, not the rules of this build ({Rules.Version}, {Rules.Hash}).");
                    if (keys.Contains(r.Key)) present++;
                    else
                    {
                        Keep(r);
                        added++;
                    }
                }
                report.Add((Path.GetFileName(task), added, present));
            }
            if (report.Sum(t => t.Item2) > 0)
                SweepFiles.WriteAtomically(CasesPath!, string.Concat(records.Select(r => JsonSerializer.Serialize(r, SweepJson.Options) + "\n")), overwrite: true);
        }
        return new HuntMergeReport(report);
    }

    /// <summary>The task database folder of task <paramref name="task"/> of the hunt in <paramref name="dir"/>.</summary>
    public static string TaskFolder(string dir, int task) => Path.Combine(dir, TasksFolder, $"task-{task}");

    void Keep(HuntRecord r)
    {
        if (keys.Add(r.Key)) records.Add(r);
    }

    void CheckOneHunt(string path)
    {
        if (Identity is not { } first) return;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Identity != first)
                throw new InvalidDataException($"'{path}' mixes two hunts: line 1 is of {first}, a later line of {records[i].Identity}; a database holds one hunt.");
            if (records[i].RulesHash != Rules.Hash)
                throw new InvalidDataException($"'{path}' holds cases judged under rules {records[i].RulesHash}, not the rules of this build ({Rules.Version}, {Rules.Hash}); a hunt under other rules starts a new database.");
        }
    }

    /// <summary>Reads a database file: its records, and the length of a torn last line (bytes after the last newline; 0 when none).</summary>
    static (List<HuntRecord> Records, int TornBytes) ReadFile(string path)
    {
        var result = new List<HuntRecord>();
        if (!File.Exists(path)) return (result, 0);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (UnauthorizedAccessException e) { throw new IOException($"cannot read '{path}' ({e.Message.TrimEnd('.')}).", e); }
        var end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        var text = Encoding.UTF8.GetString(bytes, 0, end);
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            HuntRecord? record;
            try { record = JsonSerializer.Deserialize<HuntRecord>(line, SweepJson.Options); }
            catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or FormatException)
            {
                throw new InvalidDataException($"'{path}' line {lineNumber} is not a hunt case ({e.Message}); the database is damaged. Move the file away to start afresh.", e);
            }
            if (record?.Problem?.Widths is null || record.Claim is null || record.Stream is null || record.Kind is not (HuntRecord.SearchKind or HuntRecord.ShrinkKind))
                throw new InvalidDataException($"'{path}' line {lineNumber} is not a hunt case (fields missing); the database is damaged. Move the file away to start afresh.");
            result.Add(record);
        }
        return (result, bytes.Length - end);
    }

    public void Dispose() => lockStream?.Dispose();
}
