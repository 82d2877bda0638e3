# Copyright (c) oclip-mmocr contributors. Licensed under the Apache License 2.0.
"""The released code's pickled character list -> a dictionary file.

    python tools/dataset_converters/released_char_dict.py CHARS.pkl \
        data/lsvt/released_dict.txt

bytedance/oclip's ``--char_dict_pth`` is a pickled list of code points; the
output lists the same characters in the same order, one per line, which is
what ``OCLIPDictionary(dict_file=...)`` (``lsvt_dict`` in the LSVT configs)
reads, giving the same ids as the released model. The pickle is read without
allowing any class or function, so a file that would run code is refused.
"""
import argparse
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('pickle', help="the released code's char_dict_pth")
    parser.add_argument('out', help='dictionary file to write')
    args = parser.parse_args()
    from oclip_mmocr.datasets.converters import (read_released_char_dict,
                                                 write_dict_file)
    try:
        chars = read_released_char_dict(args.pickle)
    except (FileNotFoundError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 1
    write_dict_file(chars, args.out)
    print(f'{len(chars)} characters (vocabulary {len(chars) + 3} ids) -> '
          f'{args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
