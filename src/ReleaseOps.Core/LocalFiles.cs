using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace ReleaseOps.Core
{
    /// <summary>
    /// The files ReleaseOps writes on the admin's machine (the askpass helper, migration journals and plans, the client
    /// server register, lock files). Admin machines and CI agents are shared, so another local user must not read or
    /// replace them: files are created exclusively (O_CREAT|O_EXCL, which never follows a link) with their final mode,
    /// replaced by a rename from a private temporary file in the same folder, and folders that already exist must not be
    /// links and must belong to this user (or root). Temporary files go to a fresh folder per process (mkdtemp, 0700).
    /// </summary>
    /// <remarks>
    /// On Windows (and in the net472 build, which runs only there) the user's %TEMP% and profile are private by their
    /// ACLs, so only the exclusive creation and the rename apply.
    /// </remarks>
    internal static class LocalFiles
    {
        private static readonly object Gate = new();
        private static string? processDirectory;

        /// <summary>A folder private to this process (mode 0700, created new, removed when the process exits).</summary>
        public static string ProcessDirectory()
        {
            lock (Gate)
            {
                if (processDirectory is not null && Directory.Exists(processDirectory))
                {
                    return processDirectory;
                }

                string dir;
                try
                {
#if NET
                    // mkdtemp(3): a new folder with a random name and mode 0700; an existing one is never reused.
                    dir = Directory.CreateTempSubdirectory("releaseops-").FullName;
#else
                    dir = Path.Combine(Path.GetTempPath(), "releaseops-" + Guid.NewGuid().ToString("N"));
                    if (Directory.Exists(dir))
                    {
                        throw Unsafe(dir, "exists already");
                    }

                    Directory.CreateDirectory(dir);
#endif
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new ReleaseOpsException(ErrorIds.TempDirectoryUnavailable, FailureCategory.ResourceUnavailable,
                        $"Could not create a private folder in {Path.GetTempPath()}: {ex.Message}",
                        "Set TMPDIR (TEMP on Windows) to a folder you can write, or free space in it.", Path.GetTempPath(), ex);
                }

                CheckOwned(dir, directory: true);
                processDirectory = dir;
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    try
                    {
                        Directory.Delete(dir, recursive: true);
                    }
                    catch (IOException)
                    {
                    }
                    catch (UnauthorizedAccessException)
                    {
                    }
                };
                return dir;
            }
        }

        /// <summary>Creates a new file (never an existing one, never through a link) with mode 0600, or 0700 when executable.</summary>
        public static FileStream CreateNew(string path, bool executable = false)
        {
#if NET
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | (executable ? UnixFileMode.UserExecute : UnixFileMode.None);
            }

            return new FileStream(path, options);
#else
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
#endif
        }

        /// <summary>
        /// Writes the file whole, atomically: a new private temporary file in the same folder, then a rename over the
        /// old one (which replaces a link planted there instead of writing through it). The folder is made private when
        /// missing and checked when present.
        /// </summary>
        public static void WriteAtomically(string path, string text, bool executable = false)
        {
            var full = Path.GetFullPath(path);
            var dir = Path.GetDirectoryName(full)!;
            EnsurePrivateDirectory(dir);
            var temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
            try
            {
                using (var stream = CreateNew(temp, executable))
                {
                    var bytes = new UTF8Encoding(false).GetBytes(text);
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(flushToDisk: true);
                }

#if NET
                File.Move(temp, full, overwrite: true);
#else
                if (File.Exists(full))
                {
                    File.Replace(temp, full, null);
                }
                else
                {
                    File.Move(temp, full);
                }
#endif
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        /// <summary>Creates the folder with mode 0700 when missing (parents as usual); checks it (no link, ours) when present.</summary>
        public static void EnsurePrivateDirectory(string dir)
        {
            if (!Directory.Exists(dir) && !IsLink(dir))
            {
                var parent = Path.GetDirectoryName(Path.GetFullPath(dir));
                if (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent))
                {
                    Directory.CreateDirectory(parent!);
                }

#if NET
                if (!OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                else
                {
                    Directory.CreateDirectory(dir);
                }
#else
                Directory.CreateDirectory(dir);
#endif
            }

            CheckOwned(dir, directory: true);
        }

        /// <summary>
        /// Refuses (LocalPathUnsafe) a path that is a symbolic link, or that belongs to another user than this one or
        /// root, or (for a folder) that every user may write. A missing path passes.
        /// </summary>
        public static void CheckOwned(string path, bool directory)
        {
            var stat = Stat(path);
            if (stat is null)
            {
                return;
            }

            var s = stat.Value;
            if (s.IsLink)
            {
                throw Unsafe(path, "is a symbolic link");
            }

            if (directory && !s.IsDirectory)
            {
                throw Unsafe(path, "is not a folder");
            }

            if (s.Uid is uint uid && uid != 0 && uid != EffectiveUid())
            {
                throw Unsafe(path, $"belongs to another user (uid {uid})");
            }

            if (directory && (s.Mode & 0x2) != 0)
            {
                // Even with the sticky bit (/tmp): others could plant names there that ReleaseOps would later read.
                throw Unsafe(path, "is writable by every user");
            }

            if (directory && (s.Mode & 0x10) != 0 && s.Gid is uint gid && gid != EffectiveGid())
            {
                // A folder that a shared group (users, on a CI agent) may write: its other members could replace files.
                throw Unsafe(path, $"is writable by the group {gid}, which is not yours alone");
            }
        }

        /// <summary>Whether the path itself is a symbolic link (not followed).</summary>
        public static bool IsLink(string path)
        {
            try
            {
                var attributes = new FileInfo(path).Attributes;
                return (int)attributes != -1 && (attributes & FileAttributes.ReparsePoint) != 0;
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        public static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        internal static ReleaseOpsException Unsafe(string path, string why) =>
            new(ErrorIds.LocalPathUnsafe, FailureCategory.SecurityError,
                $"{path} {why}: another local user could read or replace what ReleaseOps writes there, so it is not used.",
                "Use a folder that only you can write (your home, or a new folder with mode 700), or remove what was planted there after checking who did it.",
                path);

        /// <summary>The effective user id; 0 on Windows.</summary>
        internal static uint EffectiveGid()
        {
#if NET
            if (!OperatingSystem.IsWindows())
            {
                return NativeMethods.SystemNative_GetEGid();
            }
#endif
            return 0;
        }

        internal static uint EffectiveUid()
        {
#if NET
            if (!OperatingSystem.IsWindows())
            {
                return NativeMethods.SystemNative_GetEUid();
            }
#endif
            return 0;
        }

        /// <summary>lstat(2): the type, mode and owner of a path, without following a link; null when it does not exist.</summary>
        internal static (bool IsLink, bool IsDirectory, int Mode, uint? Uid, uint? Gid)? Stat(string path)
        {
#if NET
            if (!OperatingSystem.IsWindows())
            {
                // .NET's own lstat shim (System.Native's FileStatus starts with int Flags, int Mode, uint Uid, uint Gid on
                // every platform and architecture); libc's struct stat differs between them, and old glibc has no lstat symbol.
                var buffer = Marshal.AllocHGlobal(512);
                try
                {
                    if (NativeMethods.SystemNative_LStat(path, buffer) != 0)
                    {
                        return null;
                    }

                    var mode = Marshal.ReadInt32(buffer, 4);
                    var uid = (uint)Marshal.ReadInt32(buffer, 8);
                    var gid = (uint)Marshal.ReadInt32(buffer, 12);
                    var type = mode & 0xF000;
                    return (type == 0xA000, type == 0x4000, mode & 0xFFF, uid, gid);
                }
                finally
                {
                    Marshal.FreeHGlobal(buffer);
                }
            }
#endif
            if (!File.Exists(path) && !Directory.Exists(path) && !IsLink(path))
            {
                return null;
            }

            return (IsLink(path), Directory.Exists(path) && !IsLink(path), 0, null, null);
        }

#if NET
        private static class NativeMethods
        {
            [DllImport("libSystem.Native", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
            [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
            internal static extern int SystemNative_LStat(string path, IntPtr output);

            [DllImport("libSystem.Native")]
            [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
            internal static extern uint SystemNative_GetEUid();

            [DllImport("libSystem.Native")]
            [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
            internal static extern uint SystemNative_GetEGid();
        }
#endif
    }
}
