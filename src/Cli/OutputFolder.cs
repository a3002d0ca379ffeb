namespace Verify.Cli;

/// <summary>The folder a command writes to, checked before any work starts.</summary>
static class OutputFolder
{
    /// <summary>
    /// Creates <paramref name="path"/> if needed and proves it writable by writing and deleting a
    /// probe file; otherwise throws an <see cref="IOException"/> that names the option and the folder,
    /// so an hour-long run cannot fail at its very end for want of a place to write.
    /// </summary>
    public static string Prepare(string path, string option)
    {
        var full = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, $".verify-write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return full;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{option}: cannot write to folder '{full}' ({e.Message.TrimEnd('.')}); choose a folder you can write to.", e);
        }
    }
}
