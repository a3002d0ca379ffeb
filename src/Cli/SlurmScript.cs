using System.Globalization;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using Verify.Model.Sweeps;

namespace Verify.Cli;

/// <summary>
/// `verify sweep slurm`: DIR/sweep.sbatch, a Slurm job array with one task per chunk of manifest
/// lines; each task runs `verify sweep run DIR --chunk K`, which reads its index from
/// SLURM_ARRAY_TASK_ID. Logs go to DIR/logs/&lt;job&gt;_&lt;task&gt;.log.
/// </summary>
static class SlurmScript
{
    public const string FileName = "sweep.sbatch";

    public sealed record Settings(string? Partition, string? Time, int CpusPerTask, string? Mem, int? Gpus, int? MaxParallel, int Chunk, bool Missing, string? Verify);

    public static int Write(string dir, Settings s, bool submit)
    {
        dir = Path.GetFullPath(dir);
        var manifest = SweepManifest.Load(dir);
        var tasks = Enumerable.Range(0, manifest.TaskCount(s.Chunk)).ToArray();
        if (s.Missing)
        {
            var missing = SweepFiles.Scan(dir, manifest).Missing;
            tasks = missing.Select(i => i / s.Chunk).Distinct().Order().ToArray();
            if (tasks.Length == 0)
            {
                Console.WriteLine($"every run of {dir} has a result; nothing to submit. Next: verify sweep collect {dir}");
                return Cli.Exit.Ok;
            }
        }
        var array = SweepCommand.Ranges(tasks) + (s.MaxParallel is { } k ? $"%{k}" : "");
        var text = Compose("verify-sweep", $"`verify sweep slurm`: {tasks.Length} task(s) of {s.Chunk} manifest line(s) each, of {manifest.Entries.Count} runs in {dir}.",
            "A task skips runs that already have a result, so resubmitting this script (or `verify sweep slurm DIR --missing`) is safe.",
            array, dir, s, $"sweep run {Quote(dir)} --chunk {s.Chunk} --workers \"${{SLURM_CPUS_PER_TASK:-1}}\"{(s.Gpus is not null ? " --device cuda" : "")}");
        var script = Path.Combine(dir, FileName);
        SweepFiles.WriteAtomically(script, text, overwrite: true);
        Console.WriteLine($"wrote {script}: array {array}, {tasks.Length} task(s)");
        if (!submit)
        {
            Console.WriteLine($"submit with: sbatch {Quote(script)}");
            return Cli.Exit.Ok;
        }
        var job = Sbatch(script);
        Console.WriteLine($"submitted job {job}; follow it with: squeue -j {job}   and   verify sweep status {dir}");
        return Cli.Exit.Ok;
    }

    /// <summary>
    /// A job array script (<paramref name="what"/>: who wrote it and what it runs): #SBATCH lines from <paramref name="s"/>, logs under DIR/logs/&lt;job&gt;_&lt;task&gt;.log, and one
    /// command, `verify <paramref name="arguments"/>` (each task reads its index from SLURM_ARRAY_TASK_ID).
    /// </summary>
    internal static string Compose(string jobName, string what, string note, string array, string dir, Settings s, string arguments)
    {
        var logs = Directory.CreateDirectory(Path.Combine(dir, "logs")).FullName;
        var text = new StringBuilder()
            .AppendLine("#!/bin/bash")
            .AppendLine(CultureInfo.InvariantCulture, $"# Written by {what}")
            .AppendLine(CultureInfo.InvariantCulture, $"# {note}")
            .AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --job-name={jobName}")
            .AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --array={array}")
            .AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --output={logs}/%A_%a.log")
            .AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={s.CpusPerTask}");
        if (s.Partition is not null) text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --partition={s.Partition}");
        if (s.Time is not null) text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --time={s.Time}");
        if (s.Mem is not null) text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --mem={s.Mem}");
        if (s.Gpus is not null) text.AppendLine(CultureInfo.InvariantCulture, $"#SBATCH --gpus={s.Gpus}");
        return text.AppendLine("set -eu").AppendLine(CultureInfo.InvariantCulture, $"exec {s.Verify ?? ThisProgram()} {arguments}").ToString();
    }

    /// <summary>Runs `sbatch --parsable`; returns the job id.</summary>
    internal static string Sbatch(string script)
    {
        var start = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--parsable");
        start.ArgumentList.Add(script);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException($"--submit: cannot run sbatch ({e.Message}); is Slurm installed here? (build/slurm/local-cluster.sh start sets up a single-node one)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new IOException($"--submit: sbatch {script} failed (exit {process.ExitCode}): {stderr.Trim()}");
            return stdout.Trim().Split(';')[0];
        }
    }

    /// <summary>This program as a shell command: the apphost, or `dotnet verify.dll` when started through dotnet.</summary>
    static string ThisProgram()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find the running program's path; pass --verify.");
        return Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? $"{Quote(host)} {Quote(Assembly.GetEntryAssembly()!.Location)}"
            : Quote(host);
    }

    internal static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
