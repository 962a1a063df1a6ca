import Workbook
import LuaBridge
import ClientBase
